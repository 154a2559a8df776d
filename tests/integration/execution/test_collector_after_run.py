"""A script that runs a pipeline keeps its cycle collector (stepwell pauses it only while
its heavy modules load) and still tears its objects down at exit."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap


def test_a_script_that_runs_a_pipeline_keeps_its_collector_and_exits_cleanly(tmp_path):
    """After a run the user's process collects cycles as before, and objects with
    finalizers that are not garbage at exit are still torn down (their `__del__` runs)."""
    script = tmp_path / "script.py"
    script.write_text(
        textwrap.dedent(
            """
            import gc
            import os
            from stepwell import pipeline, step

            class Loud:
                def __del__(self, write=os.write):  # `os` may be gone by then
                    write(1, b"finalized\\n")

            keep = Loud()

            @step
            def one() -> int:
                return 1

            @pipeline
            def p():
                one()

            if __name__ == "__main__":
                p()
                print("enabled", gc.isenabled(), flush=True)
                cycle = [[]]
                cycle[0].append(cycle)
                del cycle
                print("collected", gc.collect() > 0, flush=True)
            """
        )
    )
    env = {**os.environ, "STEPWELL_HOME": str(tmp_path / "home")}
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "enabled True" in lines
    assert "collected True" in lines
    assert lines[-1] == "finalized"
