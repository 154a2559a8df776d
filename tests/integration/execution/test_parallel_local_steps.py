"""The local orchestrator runs ready steps side by side in worker processes, up to
`max_parallelism`; debug mode runs them one by one in the calling process."""

import os

import pytest

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.enums import ExecutionMode, ExecutionStatus
from stepwell.exceptions import ConfigurationError, PipelineRunFailedError


@step(enable_cache=False)
def spin(iterations: int) -> int:
    """Pure-Python CPU work: holds the GIL the whole time."""
    total = 0
    for i in range(iterations):
        total += i * i
    return os.getpid()


@pipeline
def cpu_bound_pair():
    spin(iterations=2_000_000)
    spin(iterations=2_000_000)


@pipeline
def four_spins():
    for _ in range(4):
        spin(iterations=200_000)


def overlap(a, b) -> bool:
    return a.start_time < b.end_time and b.start_time < a.end_time


def test_cpu_bound_steps_run_side_by_side_in_separate_processes():
    run = cpu_bound_pair()
    first, second = run.steps["spin"], run.steps["spin_2"]
    assert overlap(first, second)
    pids = {first.output.load(), second.output.load()}
    assert len(pids) == 2 and os.getpid() not in pids


def test_max_parallelism_caps_how_many_steps_run_at_once():
    run = four_spins.with_options(settings={"orchestrator": {"max_parallelism": 2}})()
    steps = list(run.steps.values())
    running_at_each_start = [
        sum(1 for s in steps if s.start_time <= t < s.end_time)
        for t in (s.start_time for s in steps)
    ]
    assert max(running_at_each_start) == 2  # two at once, never three


def test_debug_mode_runs_steps_one_by_one_in_this_process(monkeypatch):
    monkeypatch.setenv("STEPWELL_DEBUG", "True")
    run = cpu_bound_pair()
    first, second = sorted(run.steps.values(), key=lambda s: s.start_time)
    assert first.end_time <= second.start_time
    assert {first.output.load(), second.output.load()} == {os.getpid()}


@pytest.mark.parametrize("value", [0, -1, "2", 1.5, True])
def test_a_bad_max_parallelism_fails_before_any_run(value):
    with pytest.raises(ConfigurationError, match="max_parallelism"):
        cpu_bound_pair.with_options(settings={"orchestrator": {"max_parallelism": value}})()
    assert Client().list_pipeline_runs() == []


@pytest.mark.parametrize("mode", ["sometimes", "", 3])
def test_an_unknown_execution_mode_fails_before_any_run(mode):
    with pytest.raises(ConfigurationError, match="execution mode") as caught:
        cpu_bound_pair.with_options(execution_mode=mode)()
    assert all(m.value in str(caught.value) for m in ExecutionMode)
    with pytest.raises(ConfigurationError, match="execution mode"):
        pipeline(execution_mode=mode)(cpu_bound_pair.entrypoint)
    assert Client().list_pipeline_runs() == []


def test_execution_mode_none_is_rejected_naming_the_allowed_modes():
    with pytest.raises(ValueError, match="execution_mode") as caught:
        cpu_bound_pair.with_options(execution_mode=None)()
    assert all(m.value in str(caught.value) for m in ExecutionMode)
    assert Client().list_pipeline_runs() == []


def test_a_run_of_parallel_steps_is_completed_when_all_are():
    run = four_spins()
    assert run.status is ExecutionStatus.COMPLETED
    assert all(s.status is ExecutionStatus.COMPLETED for s in run.steps.values())


@step(enable_cache=False)
def calls_sys_exit() -> int:
    raise SystemExit(3)


@step(enable_cache=False)
def runs_anyway() -> int:
    return 1


@pipeline
def exiting_pipeline():
    calls_sys_exit()
    runs_anyway()


@pytest.mark.parametrize("debug", [False, True], ids=["workers", "debug"])
def test_sys_exit_in_a_step_fails_only_that_step(monkeypatch, debug):
    if debug:
        monkeypatch.setenv("STEPWELL_DEBUG", "True")
    with pytest.raises(PipelineRunFailedError, match="calls_sys_exit"):
        exiting_pipeline()
    run = Client().list_pipeline_runs(pipeline_name="exiting_pipeline")[0]
    assert run.status is ExecutionStatus.FAILED
    assert run.steps["calls_sys_exit"].status is ExecutionStatus.FAILED
    assert run.steps["calls_sys_exit"].status_message == "SystemExit: 3"
    assert run.steps["runs_anyway"].status is ExecutionStatus.COMPLETED
