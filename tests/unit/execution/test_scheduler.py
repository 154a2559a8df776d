"""The scheduler decides launches, skips and stops under each execution mode (no I/O)."""

import pytest

from stepwell.enums import ExecutionMode
from stepwell.execution.scheduler import Scheduler, StepState

# The spec's example: 1 -> {2,3,4}; 2->5, 3->6, 4->7; {5,6,7} -> 8
DAG = {
    "s1": (),
    "s2": ("s1",),
    "s3": ("s1",),
    "s4": ("s1",),
    "s5": ("s2",),
    "s6": ("s3",),
    "s7": ("s4",),
    "s8": ("s5", "s6", "s7"),
}


def started_fan_out(mode):
    scheduler = Scheduler(DAG, mode)
    assert scheduler.start().launch == ["s1"]
    assert scheduler.succeeded("s1").launch == ["s2", "s3", "s4"]
    return scheduler


def test_fail_fast_stops_running_steps_and_launches_nothing():
    scheduler = started_fan_out(ExecutionMode.FAIL_FAST)
    decision = scheduler.failed_step("s2")
    assert decision.stop == ["s3", "s4"]
    assert decision.launch == []
    assert decision.skip == ["s5", "s6", "s7", "s8"]
    assert scheduler.stopped("s3").launch == []
    assert scheduler.stopped("s4").launch == []
    assert scheduler.is_finished
    assert scheduler.state["s3"] is StepState.STOPPED


def test_stop_on_failure_lets_running_steps_finish_and_skips_the_rest():
    scheduler = started_fan_out(ExecutionMode.STOP_ON_FAILURE)
    decision = scheduler.failed_step("s2")
    assert decision.stop == []
    assert decision.skip == ["s5", "s6", "s7", "s8"]
    assert scheduler.succeeded("s3").launch == []
    assert scheduler.succeeded("s4").launch == []
    assert scheduler.is_finished
    assert scheduler.state["s6"] is StepState.SKIPPED


def test_continue_on_failure_runs_independent_branches_and_skips_dependants():
    scheduler = started_fan_out(ExecutionMode.CONTINUE_ON_FAILURE)
    decision = scheduler.failed_step("s2")
    assert decision.skip == ["s5", "s8"]
    assert decision.stop == []
    assert scheduler.succeeded("s3").launch == ["s6"]
    assert scheduler.succeeded("s4").launch == ["s7"]
    assert scheduler.succeeded("s6").launch == []
    assert scheduler.succeeded("s7").launch == []
    assert scheduler.is_finished
    assert scheduler.failed == ["s2"]


def test_continue_on_error_is_an_alias():
    assert ExecutionMode.CONTINUE_ON_ERROR is ExecutionMode.CONTINUE_ON_FAILURE
    assert ExecutionMode("continue_on_error") is ExecutionMode.CONTINUE_ON_FAILURE


def test_max_parallelism_limits_launches():
    scheduler = Scheduler(DAG, max_parallelism=2)
    scheduler.start()
    assert scheduler.succeeded("s1").launch == ["s2", "s3"]
    assert scheduler.succeeded("s2").launch == ["s4"]


def test_max_parallelism_below_one_is_rejected():
    with pytest.raises(ValueError, match="max_parallelism"):
        Scheduler(DAG, max_parallelism=0)


def test_request_stop_stops_running_and_skips_pending():
    scheduler = started_fan_out(ExecutionMode.CONTINUE_ON_FAILURE)
    decision = scheduler.request_stop()
    assert decision.stop == ["s2", "s3", "s4"]
    assert decision.skip == ["s5", "s6", "s7", "s8"]


def test_a_step_cannot_finish_twice():
    scheduler = Scheduler({"a": ()})
    scheduler.start()
    scheduler.succeeded("a")
    with pytest.raises(ValueError, match="already finished"):
        scheduler.failed_step("a")
