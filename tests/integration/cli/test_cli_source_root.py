"""The source root is the pipeline file's folder however the pipeline is started.

Without a `.stepwell/` folder, `stepwell run file.py` used to take the console script's
folder (`.venv/bin`) as the source root: a changed helper next to the pipeline file gave a
stale cache hit, and file dependencies were looked for under `.venv/bin/`.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from stepwell.client import Client

STEPWELL_SCRIPT = Path(sys.executable).parent / "stepwell"

FLOW = """
    from stepwell import pipeline, step
    from stepwell.config.cache_policy import CachePolicy

    from helper import factor

    @step(cache_policy=CachePolicy(file_dependencies=["data/x.csv"]))
    def scaled() -> int:
        with open("data/x.csv") as handle:
            return int(handle.read()) * factor()

    @pipeline
    def flow():
        scaled()

    if __name__ == "__main__":
        flow()
"""


@pytest.fixture
def project(tmp_path):
    folder = tmp_path / "project"
    (folder / "data").mkdir(parents=True)
    (folder / "flow.py").write_text(textwrap.dedent(FLOW))
    (folder / "helper.py").write_text("def factor():\n    return 2\n")
    (folder / "data" / "x.csv").write_text("10")
    return folder


def _start(how: str, project: Path, home: Path) -> None:
    env = {**os.environ, "STEPWELL_HOME": str(home)}
    env.pop("STEPWELL_SOURCE_ROOT", None)
    env.pop("PYTHONPATH", None)  # the installed package, as a user has it
    command = {
        "cli-path": [sys.executable, str(STEPWELL_SCRIPT), "run", "flow.py:flow"],
        "cli-module": [sys.executable, str(STEPWELL_SCRIPT), "run", "flow:flow"],
        "python-file": [sys.executable, "flow.py"],
    }[how]
    result = subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _last_output_and_status() -> tuple[int, str]:
    runs = Client().list_pipeline_runs(size=50)
    step = Client().get_pipeline_run(runs[0].id).steps["scaled"]
    return step.output.load(), step.status.value


@pytest.mark.parametrize("how", ["cli-path", "cli-module", "python-file"])
def test_changing_a_helper_or_a_file_dependency_reruns_the_step(how, project, stepwell_home):
    assert STEPWELL_SCRIPT.exists(), "install the package with the cli extra"
    _start(how, project, stepwell_home)
    assert _last_output_and_status() == (20, "completed")
    _start(how, project, stepwell_home)
    assert _last_output_and_status() == (20, "cached")
    (project / "helper.py").write_text("def factor():\n    return 3\n")
    _start(how, project, stepwell_home)
    assert _last_output_and_status() == (30, "completed")
    (project / "data" / "x.csv").write_text("11")
    _start(how, project, stepwell_home)
    assert _last_output_and_status() == (33, "completed")


def test_python_dash_m_takes_the_folder_that_holds_the_package(tmp_path):
    package = tmp_path / "proj" / "pkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "main.py").write_text(
        "from stepwell.utils.source_root import source_root\nprint(source_root())\n"
    )
    env = {**os.environ}
    env.pop("STEPWELL_SOURCE_ROOT", None)
    result = subprocess.run(
        [sys.executable, "-m", "pkg.main"],
        cwd=tmp_path / "proj",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == str((tmp_path / "proj").resolve())
