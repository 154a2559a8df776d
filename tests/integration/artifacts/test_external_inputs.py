"""External step inputs: `ExternalArtifact(value=...)`, `ExternalArtifact(id=...)` and
artifact version records passed to steps in a pipeline."""

import pytest

from stepwell import ExternalArtifact, pipeline, save_artifact, step
from stepwell.client import Client
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import PipelineDefinitionError


@step
def total(values: list) -> int:
    return sum(values)


@pipeline
def external_value_pipeline():
    total(ExternalArtifact(value=[1, 2, 3]), id="first")
    total(ExternalArtifact(value=[1, 2, 3]), id="second")


@pipeline
def version_input_pipeline():
    total(Client().get_artifact_version("saved_numbers"))


@pipeline
def id_input_pipeline(version_id: str):
    total(ExternalArtifact(id=version_id))


def _input_version(run, invocation_id):
    return Client().get_pipeline_run(run.name).steps[invocation_id].inputs["values"][0]


def test_an_external_value_is_saved_once_and_read_by_the_step():
    run = external_value_pipeline()
    assert run.status is ExecutionStatus.COMPLETED
    first, second = _input_version(run, "first"), _input_version(run, "second")
    assert first.id == second.id  # the same value twice is one version
    assert first.load() == [1, 2, 3]
    assert Client().get_pipeline_run(run.name).steps["first"].output.load() == 6


def test_the_same_external_value_in_a_later_run_reuses_the_version_and_the_cache():
    first_run = external_value_pipeline()
    second_run = external_value_pipeline()
    assert _input_version(first_run, "first").id == _input_version(second_run, "first").id
    assert second_run.steps["first"].status is ExecutionStatus.CACHED


def test_an_artifact_version_passed_to_a_step_becomes_its_input():
    saved = save_artifact([10, 20], name="saved_numbers")
    run = version_input_pipeline()
    assert _input_version(run, "total").id == saved.id
    assert Client().get_pipeline_run(run.name).steps["total"].output.load() == 30


def test_an_external_artifact_by_id_binds_that_version():
    saved = save_artifact([5], name="by_id")
    run = id_input_pipeline(version_id=str(saved.id))
    assert _input_version(run, "total").id == saved.id


def test_a_single_step_call_takes_an_artifact_version():
    saved = save_artifact([4, 4], name="single")
    assert total(saved) == 8


def test_an_external_value_cannot_be_compiled_without_a_run():
    with pytest.raises(PipelineDefinitionError, match="saved only when the pipeline runs"):
        external_value_pipeline.compile()


@pipeline(dynamic=True)
def dynamic_external_pipeline():
    total(ExternalArtifact(value=[2, 2]))


def test_a_dynamic_pipeline_takes_external_values_too():
    run = dynamic_external_pipeline()
    version = _input_version(run, "total")
    assert version.name.startswith("external_")
    assert Client().get_pipeline_run(run.name).steps["total"].output.load() == 4
