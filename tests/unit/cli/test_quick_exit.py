"""The `stepwell` command skips the interpreter's teardown only when no user code loaded."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from stepwell.cli.quick_exit import foreign_modules


def test_stepwell_its_dependencies_and_the_standard_library_are_known():
    loaded = ["stepwell.cli.app", "sqlalchemy.engine", "pydantic", "json", "os.path", "typer"]
    assert (
        foreign_modules([*loaded, "_cython_3_1_2", "_sysconfigdata__linux_x86_64-linux-gnu"]) == []
    )


def test_a_users_module_or_plugin_is_foreign():
    assert foreign_modules(["stepwell", "my_pipelines.train", "sklearn.base"]) == [
        "my_pipelines",
        "sklearn",
    ]


def _stepwell(args: list[str], home: str, cwd: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "STEPWELL_HOME": home}
    return subprocess.run(
        [sys.executable, "-m", "stepwell", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def test_a_pipeline_module_run_by_the_cli_is_torn_down_as_python_does(tmp_path):
    """`stepwell run` imports the user's module: its file, left open and unflushed, is still
    written at exit, and its objects' `__del__` still runs."""
    (tmp_path / "leaves_open.py").write_text(
        textwrap.dedent(
            """
            import os
            from stepwell import pipeline, step

            log = open(os.path.join(os.path.dirname(__file__), "left-open.txt"), "w")
            log.write("flushed at exit")

            class Goodbye:
                def __del__(self, write=os.write):  # `os` may be gone by then
                    write(2, b"goodbye\\n")

            keep = Goodbye()

            @step
            def one() -> int:
                return 1

            @pipeline
            def p():
                one()
            """
        )
    )
    result = _stepwell(["run", "leaves_open:p"], str(tmp_path / "home"), str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "left-open.txt").read_text() == "flushed at exit"
    assert "goodbye" in result.stderr


def test_a_read_command_loads_nothing_foreign(tmp_path):
    """The read commands exit quickly: they load only known code (checked in the process
    itself, at exit, where the decision is made)."""
    probe = textwrap.dedent(
        """
        import atexit, sys
        from stepwell.cli import main
        from stepwell.cli.quick_exit import foreign_modules
        atexit.register(lambda: print("foreign:", foreign_modules(
            [n for n in sys.modules if n != "__main__"]), file=sys.stderr))
        sys.argv = ["stepwell", *sys.argv[1:]]
        main()
        """
    )
    env = {**os.environ, "STEPWELL_HOME": str(tmp_path / "home")}
    for args in (["pipeline", "runs", "list"], ["artifact", "list"], ["stack", "list"]):
        result = subprocess.run(
            [sys.executable, "-c", probe, *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert "foreign: []" in result.stderr, (args, result.stderr)
