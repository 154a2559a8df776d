"""`run.wait()` returns the run's final record as a new object and leaves the one it is
called on as it was read."""

import os
import time

import pytest

from stepwell import pipeline, step
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import StepwellError


@step(enable_cache=False)
def waits_for_flag(flag_file: str) -> int:
    deadline = time.monotonic() + 20
    while not os.path.exists(flag_file) and time.monotonic() < deadline:
        time.sleep(0.02)
    return 5


@pipeline(settings={"orchestrator": {"synchronous": False}})
def waited_pipeline(flag_file: str):
    waits_for_flag(flag_file=flag_file)


def test_wait_returns_a_new_final_record_and_leaves_the_caller_as_read(tmp_path):
    flag = tmp_path / "go"
    run = waited_pipeline(flag_file=str(flag))
    status_as_read = run.status
    flag.write_text("go")
    finished = run.wait(timeout=60)
    assert finished is not run
    assert finished.id == run.id
    assert finished.status is ExecutionStatus.COMPLETED
    assert finished.steps["waits_for_flag"].output.load() == 5  # bound to the store
    assert run.status is status_as_read and not run.status.is_finished


def test_wait_past_its_timeout_says_which_run_is_still_going(tmp_path):
    flag = tmp_path / "go"
    run = waited_pipeline(flag_file=str(flag))
    try:
        with pytest.raises(StepwellError, match=f"Run '{run.name}' is still"):
            run.wait(timeout=0.2, poll_interval=0.05)
    finally:
        flag.write_text("go")
    assert run.wait(timeout=60).status is ExecutionStatus.COMPLETED
