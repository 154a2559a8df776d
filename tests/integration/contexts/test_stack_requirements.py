"""Before a run starts: components a step names and the resources it asks for are checked;
while it runs, resources bound how many steps run at once on the local orchestrator."""

import os
import time

import pytest

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.config import ResourceSettings
from stepwell.exceptions import ResourceSettingsError, StackValidationError

CPUS = len(os.sched_getaffinity(0))


def runs_recorded() -> int:
    return Client().list_pipeline_runs().total


@step(experiment_tracker="mlflow_tracker")
def tracked() -> int:
    return 1


@pipeline
def tracking():
    tracked()


def test_a_step_naming_a_missing_experiment_tracker_fails_before_the_run(stepwell_home):
    with pytest.raises(StackValidationError, match="Step 'tracked' requires experiment tracker"):
        tracking()
    assert runs_recorded() == 0


def test_a_missing_step_operator_set_in_step_options_fails_too():
    with pytest.raises(
        StackValidationError,
        match="Step 'tracked' requires a step operator, which is not in the active stack",
    ):
        tracking.with_options(
            steps={"tracked": {"experiment_tracker": False, "step_operator": True}}
        )()


@step(settings={"resources": ResourceSettings(cpu_count=CPUS + 1)})
def greedy() -> int:
    return 1


@pipeline
def too_big():
    greedy()


def test_a_step_asking_for_more_cpus_than_the_machine_has_fails_before_the_run():
    with pytest.raises(ResourceSettingsError, match=f"Step 'greedy' asks for {CPUS + 1} CPUs"):
        too_big()
    assert runs_recorded() == 0


def test_resources_from_a_yaml_file_are_checked_before_the_run(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("steps:\n  greedy:\n    settings:\n      resources: {memory: 1PiB}\n")
    small = too_big.with_options(
        config_path=str(path), steps={"greedy": {"settings": {"resources": {}}}}
    )
    with pytest.raises(ResourceSettingsError, match="of memory"):
        too_big.with_options(config_path=str(path))()
    small()  # step options in code win over the file


@step
def busy(seconds: float) -> tuple:
    start = time.time()
    time.sleep(seconds)
    return (start, time.time())


def run_two_busy_steps(cpu_count: float) -> list:
    @pipeline(enable_cache=False)
    def two_busy():
        busy(seconds=0.6)
        busy(seconds=0.6)

    resources = {"resources": {"cpu_count": cpu_count}}
    run = two_busy.with_options(
        steps={"busy": {"settings": resources}, "busy_2": {"settings": resources}}
    )()
    return sorted(run.steps[name].output.load() for name in ("busy", "busy_2"))


def test_steps_that_together_ask_for_more_cpus_than_the_machine_has_run_one_after_another():
    first, second = run_two_busy_steps(cpu_count=CPUS)
    assert second[0] >= first[1]


def test_steps_that_fit_together_run_side_by_side():
    first, second = run_two_busy_steps(cpu_count=CPUS / 2)
    assert second[0] < first[1]
