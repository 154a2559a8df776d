"""Step inputs annotated `UnmaterializedArtifact`: the step gets the artifact version record
(its files unread) instead of the loaded value."""

import os

import pytest

from stepwell import ExternalArtifact, pipeline, step
from stepwell.artifacts.unmaterialized_artifact import UnmaterializedArtifact
from stepwell.client import Client
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import ParameterTypeError
from stepwell.store.models import ArtifactVersionResponse


@step
def produce() -> dict:
    return {"rows": [1, 2, 3]}


@step(enable_cache=False)
def produce_again() -> dict:
    return {"rows": [1, 2, 3]}


@step
def other() -> int:
    return 7


@step
def inspect_files(artifact: UnmaterializedArtifact) -> dict:
    assert isinstance(artifact, UnmaterializedArtifact)
    assert isinstance(artifact, ArtifactVersionResponse)
    files = sorted(
        os.path.relpath(os.path.join(folder, name), artifact.uri)
        for folder, _, names in os.walk(artifact.uri)
        for name in names
    )
    return {
        "uri": artifact.uri,
        "id": str(artifact.id),
        "files": files,
        "bytes": sum(os.path.getsize(os.path.join(artifact.uri, f)) for f in files),
        "materializer": artifact.materializer,
        "value": artifact.load(),
    }


@step
def count_versions(artifacts: list[UnmaterializedArtifact]) -> list:
    assert all(isinstance(artifact, UnmaterializedArtifact) for artifact in artifacts)
    return [[str(artifact.id), artifact.load()] for artifact in artifacts]


@pipeline
def unmaterialized_pipeline():
    inspect_files(produce())


@pipeline
def uncached_producer_pipeline():
    inspect_files(produce_again())


@pipeline
def list_pipeline():
    count_versions([produce(), other()])


@pipeline
def external_pipeline():
    inspect_files(ExternalArtifact(value=[4, 5]))


@pipeline
def parameter_pipeline():
    inspect_files({"not": "an artifact"})


def _steps(run):
    return Client().get_pipeline_run(run.name).steps


def test_the_step_gets_the_version_and_reads_its_files():
    run = unmaterialized_pipeline()
    assert run.status is ExecutionStatus.COMPLETED
    steps = _steps(run)
    produced = steps["produce"].output
    seen = steps["inspect_files"].output.load()
    assert seen["uri"] == produced.uri
    assert seen["id"] == str(produced.id)
    assert seen["files"] and seen["bytes"] > 0  # the files exist where .uri points
    assert seen["materializer"] == produced.materializer
    assert seen["value"] == {"rows": [1, 2, 3]}  # .load() still reads the value


def test_a_list_input_gets_one_version_per_output_whatever_their_types():
    run = list_pipeline()
    assert run.status is ExecutionStatus.COMPLETED
    steps = _steps(run)
    expected = [
        [str(steps["produce"].output.id), {"rows": [1, 2, 3]}],
        [str(steps["other"].output.id), 7],
    ]
    assert steps["count_versions"].output.load() == expected


def test_an_external_artifact_reaches_the_step_unmaterialized():
    run = external_pipeline()
    seen = _steps(run)["inspect_files"].output.load()
    assert seen["value"] == [4, 5]
    assert seen["id"] == str(_steps(run)["inspect_files"].inputs["artifact"][0].id)


def test_the_second_run_is_a_cache_hit_keyed_on_the_content():
    first = uncached_producer_pipeline()
    second = uncached_producer_pipeline()
    first_input = _steps(first)["inspect_files"].inputs["artifact"][0]
    second_input = _steps(second)["inspect_files"].inputs["artifact"][0]
    assert first_input.id != second_input.id  # a new version, with the same content
    assert _steps(second)["produce_again"].status is ExecutionStatus.COMPLETED
    assert _steps(second)["inspect_files"].status is ExecutionStatus.CACHED


def test_a_plain_value_for_an_unmaterialized_input_is_refused():
    with pytest.raises(ParameterTypeError, match="UnmaterializedArtifact"):
        parameter_pipeline()
