"""`import stepwell` defines names and loads no heavy library."""

import subprocess
import sys

HEAVY = [
    "sqlalchemy",
    "alembic",
    "fastapi",
    "pandas",
    "numpy",
    "pyarrow",
    "ray",
    "pydantic",
    "fsspec",
]


def test_import_stepwell_loads_no_heavy_library():
    probe = f"import sys, stepwell; print([m for m in {HEAVY!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_public_names_resolve_lazily():
    probe = "import stepwell; from stepwell import step, pipeline, get_step_context; print(step.__name__)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "step"
