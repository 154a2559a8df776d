"""Execution modes end to end on the spec's 8-step DAG, run by the local (process) orchestrator.

         +-> s2 --> s5 -+
    s1 --+-> s3 --> s6 -+--> s8
         +-> s4 --> s7 -+

s2 fails at once. s3 and s4 are launched with it and do not finish before the orchestrator
has recorded s2 as failed (they poll the store for it), so what happens to them and their
dependants depends only on the execution mode, never on timing.
"""

import time

import pytest

from stepwell import get_step_context, pipeline, step
from stepwell.client import Client
from stepwell.enums import ExecutionMode, ExecutionStatus
from stepwell.exceptions import PipelineRunFailedError

DEADLINE_S = 30.0


@step(enable_cache=False)
def first() -> int:
    return 1


@step(enable_cache=False)
def fail_quickly(x: int) -> int:
    raise ValueError("s2 failed on purpose")


@step(enable_cache=False)
def wait_for_s2_failure(x: int, hold: bool) -> int:
    """Return once s2 is recorded failed; with `hold`, keep running until stopped."""
    context = get_step_context()
    store = Client().store
    run_id = context.pipeline_run.id
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        s2 = store.get_run_steps(run_id).get("s2")
        if s2 is not None and s2.status is ExecutionStatus.FAILED and not hold:
            return x
        time.sleep(0.02)
    raise TimeoutError("s2 was not recorded as failed in time (or nobody stopped this step)")


@step(enable_cache=False)
def follow(x: int) -> int:
    return x + 1


@step(enable_cache=False)
def join(a: int, b: int, c: int) -> int:
    return a + b + c


def eight_steps(hold: bool = False) -> None:
    one = first(id="s1")
    five = follow(fail_quickly(one, id="s2"), id="s5")
    six = follow(wait_for_s2_failure(one, hold=hold, id="s3"), id="s6")
    seven = follow(wait_for_s2_failure(one, hold=hold, id="s4"), id="s7")
    join(five, six, seven, id="s8")


default_mode_dag = pipeline(name="default_mode_dag")(eight_steps)
continue_on_error_dag = pipeline(
    name="continue_on_error_dag", execution_mode=ExecutionMode.CONTINUE_ON_ERROR
)(eight_steps)
configurable_dag = pipeline(name="configurable_dag")(eight_steps)


def statuses(pipeline_name):
    run = Client().list_pipeline_runs(pipeline_name=pipeline_name)[0]
    return run, {name: step_run.status.value for name, step_run in run.steps.items()}


def test_fail_fast_stops_running_steps_and_starts_nothing_new():
    fail_fast = configurable_dag.with_options(execution_mode=ExecutionMode.FAIL_FAST)
    with pytest.raises(ValueError, match="s2 failed on purpose"):
        fail_fast(hold=True)
    run, found = statuses("configurable_dag")
    assert found == {
        "s1": "completed",
        "s2": "failed",
        "s3": "stopped",
        "s4": "stopped",
        "s5": "skipped",
        "s6": "skipped",
        "s7": "skipped",
        "s8": "skipped",
    }
    assert run.status is ExecutionStatus.FAILED
    assert run.config.execution_mode is ExecutionMode.FAIL_FAST


def test_stop_on_failure_lets_running_steps_finish_and_starts_nothing_new():
    stop_on_failure = configurable_dag.with_options().configure(
        execution_mode=ExecutionMode.STOP_ON_FAILURE
    )
    with pytest.raises(PipelineRunFailedError, match="s2"):
        stop_on_failure()
    run, found = statuses("configurable_dag")
    assert found == {
        "s1": "completed",
        "s2": "failed",
        "s3": "completed",
        "s4": "completed",
        "s5": "skipped",
        "s6": "skipped",
        "s7": "skipped",
        "s8": "skipped",
    }
    assert run.status is ExecutionStatus.FAILED
    assert run.config.execution_mode is ExecutionMode.STOP_ON_FAILURE
    # configure() on the copy left the module-level pipeline as it was.
    assert configurable_dag.config.execution_mode is ExecutionMode.CONTINUE_ON_FAILURE


@pytest.mark.parametrize("dag", [continue_on_error_dag, default_mode_dag], ids=lambda p: p.name)
def test_continue_on_failure_runs_everything_not_depending_on_the_failure(dag):
    with pytest.raises(PipelineRunFailedError, match="s2"):
        dag()
    run, found = statuses(dag.name)
    assert found == {
        "s1": "completed",
        "s2": "failed",
        "s3": "completed",
        "s4": "completed",
        "s5": "skipped",
        "s6": "completed",
        "s7": "completed",
        "s8": "skipped",
    }
    assert run.status is ExecutionStatus.FAILED
    assert run.config.execution_mode is ExecutionMode.CONTINUE_ON_FAILURE


def test_execution_mode_accepts_its_string_values():
    assert (
        configurable_dag.with_options(execution_mode="stop_on_failure").config.execution_mode
        is ExecutionMode.STOP_ON_FAILURE
    )
    assert (
        configurable_dag.with_options(execution_mode="CONTINUE_ON_ERROR").config.execution_mode
        is ExecutionMode.CONTINUE_ON_FAILURE
    )
