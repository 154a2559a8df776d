"""Automatic step retries end to end: every attempt is a step run in the store."""

import os
import time
from pathlib import Path

import pydantic
import pytest

from stepwell import get_step_context, pipeline, step
from stepwell.client import Client
from stepwell.config.retry_config import StepRetryConfig
from stepwell.enums import ExecutionMode, ExecutionStatus
from stepwell.exceptions import PipelineRunFailedError

DEADLINE_S = 30.0


def count_attempt() -> int:
    """Append one line to the file in $RETRY_COUNTER; return how many attempts it now holds."""
    counter = Path(os.environ["RETRY_COUNTER"])
    with counter.open("a") as handle:
        handle.write("attempt\n")
    return len(counter.read_text().splitlines())


@pytest.fixture
def counter(tmp_path, monkeypatch):
    path = tmp_path / "attempts.txt"
    monkeypatch.setenv("RETRY_COUNTER", str(path))
    return path


@step(enable_cache=False, retry=StepRetryConfig(max_retries=3, delay=0))
def fails_twice_then_succeeds() -> int:
    attempt = count_attempt()
    if attempt <= 2:
        raise ConnectionError(f"transient failure on attempt {attempt}")
    return attempt


@step(enable_cache=False, retry=StepRetryConfig(max_retries=2, delay=0.1, backoff=2))
def always_fails() -> int:
    count_attempt()
    raise ConnectionError("still down")


@step(enable_cache=False)
def fails_once_without_retry() -> int:
    raise ValueError("no retry for me")


def record_final_failure(exception: BaseException):
    with Path(os.environ["RETRY_COUNTER"]).open("a") as handle:
        handle.write(f"hook: {exception}\n")


@step(
    enable_cache=False,
    retry=StepRetryConfig(max_retries=2),
    on_failure=record_final_failure,
)
def always_fails_with_hook() -> int:
    count_attempt()
    raise ConnectionError("down")


@pipeline
def hooked_retry_pipeline():
    always_fails_with_hook()


@pipeline
def flaky_pipeline():
    fails_twice_then_succeeds()


@pipeline
def hopeless_pipeline():
    always_fails()


@pipeline
def mixed_retry_pipeline():
    always_fails()
    fails_once_without_retry()


def attempts_of(run_id, name):
    return Client().store.list_step_run_attempts(run_id, name)


def test_a_step_that_fails_twice_then_succeeds_is_retried_until_it_succeeds(counter):
    run = flaky_pipeline()
    assert run.status is ExecutionStatus.COMPLETED
    attempts = attempts_of(run.id, "fails_twice_then_succeeds")
    assert [a.status.value for a in attempts] == ["retried", "retried", "completed"]
    assert [a.attempt for a in attempts] == [1, 2, 3]
    assert "transient failure on attempt 1" in attempts[0].exception
    assert run.steps["fails_twice_then_succeeds"].id == attempts[-1].id
    assert run.steps["fails_twice_then_succeeds"].output.load() == 3
    assert len(counter.read_text().splitlines()) == 3


def test_a_step_that_always_fails_fails_once_retries_are_exhausted(counter):
    with pytest.raises(PipelineRunFailedError, match="always_fails"):
        hopeless_pipeline()
    run = Client().list_pipeline_runs(pipeline_name="hopeless_pipeline")[0]
    attempts = attempts_of(run.id, "always_fails")
    assert [a.status.value for a in attempts] == ["retried", "retried", "failed"]
    assert run.steps["always_fails"].status is ExecutionStatus.FAILED
    assert run.status is ExecutionStatus.FAILED
    assert len(counter.read_text().splitlines()) == 3


def test_the_failure_hook_fires_once_after_the_last_attempt(counter):
    with pytest.raises(PipelineRunFailedError):
        hooked_retry_pipeline()
    assert counter.read_text().splitlines() == ["attempt", "attempt", "attempt", "hook: down"]


def test_retries_wait_delay_then_delay_times_backoff(counter):
    with pytest.raises(PipelineRunFailedError):
        hopeless_pipeline()
    run = Client().list_pipeline_runs(pipeline_name="hopeless_pipeline")[0]
    attempts = attempts_of(run.id, "always_fails")
    gaps = [
        (later.start_time - earlier.end_time).total_seconds()
        for earlier, later in zip(attempts, attempts[1:])
    ]
    # Lower bounds only: the orchestrator must wait at least delay, then delay * backoff.
    assert gaps[0] >= 0.1
    assert gaps[1] >= 0.2


def test_retries_are_per_step(counter):
    with pytest.raises(PipelineRunFailedError):
        mixed_retry_pipeline()
    run = Client().list_pipeline_runs(pipeline_name="mixed_retry_pipeline")[0]
    assert len(attempts_of(run.id, "always_fails")) == 3
    assert [a.status.value for a in attempts_of(run.id, "fails_once_without_retry")] == ["failed"]


def test_a_pipeline_level_retry_applies_to_steps_without_their_own(counter):
    with pytest.raises(PipelineRunFailedError):
        mixed_retry_pipeline.with_options(retry=StepRetryConfig(max_retries=1))()
    run = Client().list_pipeline_runs(pipeline_name="mixed_retry_pipeline")[0]
    assert len(attempts_of(run.id, "fails_once_without_retry")) == 2
    assert len(attempts_of(run.id, "always_fails")) == 3  # its own config wins


# -- FAIL_FAST cancels a pending retry -------------------------------------------------------
LONG_DELAY_S = 60


@step(enable_cache=False, retry=StepRetryConfig(max_retries=2, delay=LONG_DELAY_S))
def retries_slowly() -> int:
    raise ConnectionError("first attempt fails; the retry would wait a minute")


@step(enable_cache=False)
def fails_once_the_other_waits_for_a_retry() -> int:
    """Fail only after `retries_slowly` is recorded `retried` (i.e. waiting for its retry)."""
    store = Client().store
    run_id = get_step_context().pipeline_run.id
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        attempts = store.list_step_run_attempts(run_id, "retries_slowly")
        if attempts and attempts[0].status is ExecutionStatus.RETRIED:
            raise ValueError("fail fast now")
        time.sleep(0.02)
    raise TimeoutError("retries_slowly never reached its retry wait")


@pipeline(execution_mode=ExecutionMode.FAIL_FAST)
def fail_fast_during_retry_wait():
    retries_slowly()
    fails_once_the_other_waits_for_a_retry()


def test_fail_fast_interrupts_a_retry_wait():
    with pytest.raises(ValueError, match="fail fast now"):
        fail_fast_during_retry_wait()
    run = Client().list_pipeline_runs(pipeline_name="fail_fast_during_retry_wait")[0]
    attempts = attempts_of(run.id, "retries_slowly")
    assert [(a.attempt, a.status.value) for a in attempts] == [(1, "retried"), (2, "stopped")]
    assert run.steps["retries_slowly"].status is ExecutionStatus.STOPPED
    assert run.steps["fails_once_the_other_waits_for_a_retry"].status is ExecutionStatus.FAILED
    assert run.status is ExecutionStatus.FAILED
    assert (run.end_time - run.start_time).total_seconds() < LONG_DELAY_S


# -- bad retry settings ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"delay": -1}, "delay is the wait .* must be 0 or more"),
        ({"backoff": 0.5}, "backoff multiplies the delay .* must be at least 1"),
        ({"max_retries": 0}, "max_retries is how many times .* must be at least 1"),
    ],
)
def test_bad_retry_settings_are_rejected_with_a_clear_message(options, message):
    with pytest.raises(pydantic.ValidationError, match=message) as caught:
        StepRetryConfig(**options)
    assert "StepRetryConfig" in str(caught.value)


def test_a_bad_retry_setting_fails_before_any_run_is_created():
    with pytest.raises(pydantic.ValidationError, match="backoff"):
        hopeless_pipeline.with_options(retry={"max_retries": 2, "backoff": 0})()
    assert Client().list_pipeline_runs() == []
