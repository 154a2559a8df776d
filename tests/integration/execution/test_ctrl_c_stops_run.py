"""Ctrl-C (SIGINT) on a running pipeline stops its steps and records the run as stopped."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from stepwell.client import Client
from stepwell.enums import ExecutionStatus

DEADLINE_S = 30.0

SCRIPT = """
import os
import sys
import time
from pathlib import Path

from stepwell import pipeline, step


@step(enable_cache=False)
def long_step() -> int:
    Path(sys.argv[1]).write_text(str(os.getpid()))
    time.sleep(60)
    return 1


@step(enable_cache=False)
def quick_step() -> int:
    return 2


@step(enable_cache=False)
def after_long(x: int) -> int:
    return x


@pipeline
def interrupted_pipeline():
    after_long(long_step())
    quick_step()


if __name__ == "__main__":
    interrupted_pipeline()
"""


def wait_for(condition, what):
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def long_step_running():
    runs = Client().list_pipeline_runs(pipeline_name="interrupted_pipeline")
    if not runs:
        return None
    step_run = runs[0].steps.get("long_step")
    return step_run is not None and step_run.status is ExecutionStatus.RUNNING


def process_gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")  # exited; a zombie only waits for init to reap it


def test_ctrl_c_stops_the_running_steps_and_records_the_run_stopped(tmp_path):
    script = tmp_path / "interrupted.py"
    script.write_text(textwrap.dedent(SCRIPT))
    pid_file = tmp_path / "long_step.pid"
    process = subprocess.Popen(
        [sys.executable, str(script), str(pid_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),  # same STEPWELL_HOME as this test
    )
    try:
        wait_for(long_step_running, "long_step to be recorded running")
        wait_for(pid_file.exists, "long_step's user code to start")
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=DEADLINE_S)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    print(stderr)
    assert process.returncode != 0
    assert "KeyboardInterrupt" in stderr
    run = Client().list_pipeline_runs(pipeline_name="interrupted_pipeline")[0]
    assert run.status is ExecutionStatus.STOPPED
    assert run.end_time is not None
    statuses = {name: step_run.status.value for name, step_run in run.steps.items()}
    assert statuses == {"long_step": "stopped", "after_long": "skipped", "quick_step": "completed"}
    assert all(step_run.end_time is not None for step_run in run.steps.values())
    assert wait_for(lambda: process_gone(int(pid_file.read_text())), "the step's process to end")
