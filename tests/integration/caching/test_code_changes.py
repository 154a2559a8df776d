"""Code changes invalidate the cache across processes, as a user editing files would see."""

import os
import subprocess
import sys
import textwrap

SCRIPT = """
    from stepwell import pipeline, step
    from stepwell.config.cache_policy import CachePolicy
    from helpers import scale
    import extra

    @step
    def produce() -> int:
        return 3

    @step
    def transform(x: int) -> int:
        return scale(x)

    @step(cache_policy=CachePolicy(source_dependencies=["extra:tweak"], include_step_code=False))
    def tweaked(x: int) -> int:
        return x

    @pipeline
    def code_pipeline():
        value = produce()
        transform(value)
        tweaked(value)

    if __name__ == "__main__":
        run = code_pipeline()
        for name, step_run in run.steps.items():
            print("STATUS", name, step_run.status.value)
        from stepwell.client import Client
        print("WHY", Client().explain_cache(run.steps["transform"]).reason)
"""


def run_script(folder):
    done = subprocess.run(
        [sys.executable, "pipeline_script.py"],
        cwd=folder,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(folder), *sys.path])},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    run_script.why = next(line[4:] for line in lines if line.startswith("WHY "))
    run_script.value = next((line[6:] for line in lines if line.startswith("VALUE ")), None)
    return dict(line.split()[1:] for line in done.stdout.splitlines() if line.startswith("STATUS"))


def write(folder, helpers, extra):
    (folder / "helpers.py").write_text(textwrap.dedent(helpers))
    (folder / "extra.py").write_text(textwrap.dedent(extra))


def test_helper_and_source_dependency_changes_invalidate_comment_changes_do_not(tmp_path):
    (tmp_path / "pipeline_script.py").write_text(textwrap.dedent(SCRIPT))
    helpers = "def scale(x):\n    return x * 2\n"
    extra = "def tweak():\n    return 1\n"
    write(tmp_path, helpers, extra)
    assert run_script(tmp_path) == {
        "produce": "completed",
        "transform": "completed",
        "tweaked": "completed",
    }
    assert set(run_script(tmp_path).values()) == {"cached"}

    write(tmp_path, "def scale(x):\n    # doubled, as before\n    return (x*2)\n", extra)
    assert set(run_script(tmp_path).values()) == {"cached"}

    write(tmp_path, "def scale(x):\n    return x * 3\n", extra)
    assert run_script(tmp_path) == {
        "produce": "cached",
        "transform": "completed",
        "tweaked": "cached",
    }
    # The explanation names the helper that changed, not just "code".
    assert run_script.why == "Its cache key changed: code (changed: helpers.scale)."

    write(tmp_path, "def scale(x):\n    return x * 3\n", "def tweak():\n    return 2\n")
    assert run_script(tmp_path) == {
        "produce": "cached",
        "transform": "cached",
        "tweaked": "completed",
    }


PACKAGE_SCRIPT = """
    import tools.mid
    from stepwell import pipeline, step

    @step
    def uses_a_submodule() -> int:
        return tools.mid.mid(1)

    @pipeline
    def submodule_pipeline():
        uses_a_submodule()

    if __name__ == "__main__":
        run = submodule_pipeline()
        for name, step_run in run.steps.items():
            print("STATUS", name, step_run.status.value)
        print("VALUE", run.steps["uses_a_submodule"].output.load())
        from stepwell.client import Client
        print("WHY", Client().explain_cache(run.steps["uses_a_submodule"]).reason)
"""


def test_a_helper_reached_through_a_submodule_attribute_invalidates(tmp_path):
    """`import pkg.mid` then `pkg.mid.helper()`: the helper, and what it calls, are code."""
    (tmp_path / "pipeline_script.py").write_text(textwrap.dedent(PACKAGE_SCRIPT))
    package = tmp_path / "tools"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "deep.py").write_text("def deep(x):\n    return x + 1\n")
    (package / "mid.py").write_text(
        "from tools import deep as d\n\n\ndef mid(x):\n    return d.deep(x) * 2\n"
    )

    def value() -> str:
        statuses = run_script(tmp_path)
        return statuses["uses_a_submodule"], run_script.value

    assert value() == ("completed", "4")
    assert value() == ("cached", "4")
    (package / "deep.py").write_text("def deep(x):\n    return x + 2\n")
    assert value() == ("completed", "6")
    assert run_script.why == "Its cache key changed: code (changed: tools.deep.deep)."
    (package / "mid.py").write_text(
        "from tools import deep as d\n\n\ndef mid(x):\n    return d.deep(x) * 3\n"
    )
    assert value() == ("completed", "9")
    assert run_script.why == "Its cache key changed: code (changed: tools.mid.mid)."
