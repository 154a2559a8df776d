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
    run_script.why = next(line[4:] for line in done.stdout.splitlines() if line.startswith("WHY "))
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
