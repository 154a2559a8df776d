"""Ctrl-C (SIGINT) on a running pipeline stops its steps and records the run as stopped."""

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.config.retry_config import StepRetryConfig
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


@pipeline(dynamic=True)
def interrupted_dynamic():
    long = long_step.submit()
    quick_step()
    after_long(long)


if __name__ == "__main__":
    {"static": interrupted_pipeline, "dynamic": interrupted_dynamic}[sys.argv[2]]()
"""


def wait_for(condition, what):
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def long_running_and_quick_done():
    runs = Client().list_pipeline_runs()
    if not runs:
        return False
    steps = runs[0].steps
    return (
        "long_step" in steps
        and steps["long_step"].status is ExecutionStatus.RUNNING
        and "quick_step" in steps
        and steps["quick_step"].status is ExecutionStatus.COMPLETED
    )


def process_gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")  # exited; a zombie only waits for init to reap it


@pytest.mark.parametrize("kind", ["static", "dynamic"])
def test_ctrl_c_stops_the_running_steps_and_records_the_run_stopped(tmp_path, kind):
    script = tmp_path / "interrupted.py"
    script.write_text(textwrap.dedent(SCRIPT))
    pid_file = tmp_path / "long_step.pid"
    process = subprocess.Popen(
        [sys.executable, str(script), str(pid_file), kind],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),  # same STEPWELL_HOME as this test
    )
    try:
        wait_for(long_running_and_quick_done, "long_step running and quick_step completed")
        wait_for(pid_file.exists, "long_step's user code to start")
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=DEADLINE_S)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode != 0
    assert "KeyboardInterrupt" in stderr
    (run,) = Client().list_pipeline_runs()
    assert run.status is ExecutionStatus.STOPPED
    assert run.end_time is not None
    statuses = {name: step_run.status.value for name, step_run in run.steps.items()}
    assert statuses == {"long_step": "stopped", "after_long": "skipped", "quick_step": "completed"}
    assert all(step_run.end_time is not None for step_run in run.steps.values())
    assert wait_for(lambda: process_gone(int(pid_file.read_text())), "the step's process to end")


# -- debug mode: steps run in this process, so Ctrl-C lands in the step's own code ------------
@step(enable_cache=False)
def before_ctrl_c() -> int:
    return 1


@step(enable_cache=False)
def presses_ctrl_c(x: int) -> int:
    signal.raise_signal(signal.SIGINT)
    time.sleep(5)  # reached only if the interrupt was swallowed
    return x


@step(enable_cache=False)
def after_ctrl_c(x: int) -> int:
    return x


@pipeline
def debug_interrupted_pipeline():
    after_ctrl_c(presses_ctrl_c(before_ctrl_c()))


def test_ctrl_c_in_debug_mode_stops_the_step_in_this_process(monkeypatch):
    monkeypatch.setenv("STEPWELL_DEBUG", "True")
    with pytest.raises(KeyboardInterrupt):
        debug_interrupted_pipeline()
    run = Client().list_pipeline_runs(pipeline_name="debug_interrupted_pipeline")[0]
    assert run.status is ExecutionStatus.STOPPED
    assert {name: s.status.value for name, s in run.steps.items()} == {
        "before_ctrl_c": "completed",
        "presses_ctrl_c": "stopped",
        "after_ctrl_c": "skipped",
    }
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


RETRY_DELAY_S = 60


@step(enable_cache=False, retry=StepRetryConfig(max_retries=1, delay=RETRY_DELAY_S))
def fails_then_waits_to_retry() -> int:
    raise ConnectionError("try again in a minute")


@pipeline
def debug_retry_pipeline():
    fails_then_waits_to_retry()


def test_ctrl_c_in_debug_mode_cancels_a_retry_wait(monkeypatch):
    monkeypatch.setenv("STEPWELL_DEBUG", "True")
    store = Client().store

    def press_ctrl_c_once_retrying():
        def retrying():
            runs = Client().list_pipeline_runs(pipeline_name="debug_retry_pipeline")
            return runs and [
                a.status
                for a in store.list_step_run_attempts(runs[0].id, "fails_then_waits_to_retry")
            ] == [ExecutionStatus.RETRIED]

        wait_for(retrying, "the first attempt to be recorded retried")
        os.kill(os.getpid(), signal.SIGINT)

    presser = threading.Thread(target=press_ctrl_c_once_retrying)
    presser.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            debug_retry_pipeline()
    finally:
        presser.join()
    run = Client().list_pipeline_runs(pipeline_name="debug_retry_pipeline")[0]
    attempts = store.list_step_run_attempts(run.id, "fails_then_waits_to_retry")
    assert [(a.attempt, a.status.value) for a in attempts] == [(1, "retried"), (2, "stopped")]
    assert run.status is ExecutionStatus.STOPPED
    assert (run.end_time - run.start_time).total_seconds() < RETRY_DELAY_S
