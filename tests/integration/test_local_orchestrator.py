"""The local orchestrator runs steps in child processes, side by side, isolated from each other."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import PipelineRunFailedError


@step(enable_cache=False)
def nap(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


@pipeline
def two_naps():
    nap(seconds=0.5)
    nap(seconds=0.5)


def test_independent_steps_overlap_in_separate_processes():
    run = two_naps()
    first, second = run.steps["nap"], run.steps["nap_2"]
    # Each step started before the other finished: they ran at the same time.
    assert first.start_time < second.end_time and second.start_time < first.end_time
    pids = {first.output.load(), second.output.load(), os.getpid()}
    assert len(pids) == 3


def test_max_parallelism_one_runs_steps_one_after_another():
    run = two_naps.with_options(settings={"orchestrator": {"max_parallelism": 1}})()
    first, second = sorted(run.steps.values(), key=lambda s: s.start_time)
    assert first.end_time <= second.start_time


@step
def exits_hard() -> int:
    os._exit(3)


@step
def kills_itself() -> int:
    os.kill(os.getpid(), signal.SIGKILL)
    return 0


@step
def survives() -> int:
    return 1


@pipeline
def crashing_pipeline():
    exits_hard()
    kills_itself()
    survives()


def test_a_step_that_kills_its_interpreter_fails_only_itself():
    with pytest.raises(PipelineRunFailedError):
        crashing_pipeline()
    run = Client().list_pipeline_runs(pipeline_name="crashing_pipeline")[0]
    steps = run.steps
    assert steps["survives"].status is ExecutionStatus.COMPLETED
    assert steps["exits_hard"].status is ExecutionStatus.FAILED
    assert "exited with code 3" in steps["exits_hard"].exception
    assert steps["kills_itself"].status is ExecutionStatus.FAILED
    assert "SIGKILL" in steps["kills_itself"].exception
    assert run.status is ExecutionStatus.FAILED


def test_debug_mode_runs_steps_in_the_calling_process(monkeypatch):
    monkeypatch.setenv("STEPWELL_DEBUG", "True")
    run = two_naps()
    assert {s.output.load() for s in run.steps.values()} == {os.getpid()}


def test_max_parallelism_below_one_is_rejected_before_running():
    from stepwell.exceptions import ConfigurationError

    with pytest.raises(ConfigurationError, match="max_parallelism"):
        two_naps.with_options(settings={"orchestrator": {"max_parallelism": 0}})()
    assert Client().list_pipeline_runs() == []


def test_steps_defined_in_a_scripts_main_module_run(tmp_path):
    script = tmp_path / "script.py"
    script.write_text(
        textwrap.dedent(
            """
            from stepwell import pipeline, step

            @step
            def make() -> int:
                return 20

            @step
            def inc(x: int) -> int:
                return x + 1

            @pipeline
            def script_pipeline():
                inc(make())

            if __name__ == "__main__":
                run = script_pipeline()
                print("RESULT", run.status.value, run.steps["inc"].output.load())
            """
        )
    )
    env = {**os.environ}
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "RESULT completed 21" in done.stdout
