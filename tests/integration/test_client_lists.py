"""The Client's list calls and record shortcuts, on runs of real pipelines (SQLite store)."""

from datetime import datetime, timedelta, timezone
from typing import Annotated

import pytest

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import PipelineRunFailedError, QueryError
from stepwell.models import Page


@step
def make_numbers() -> Annotated[list, "numbers"]:
    return [1, 2, 3]


@step
def add_up(numbers: list) -> Annotated[int, "total"]:
    return sum(numbers)


@step
def compare(numbers: list, total: int) -> bool:
    return total == sum(numbers)


@pipeline
def summing():
    numbers = make_numbers()
    compare(numbers, add_up(numbers))


@step
def explode() -> int:
    raise RuntimeError("boom")


@pipeline
def exploding():
    explode()


def test_list_calls_return_pages_that_still_behave_like_lists():
    first = summing()
    summing()
    client = Client()

    runs = client.list_pipeline_runs()
    assert isinstance(runs, Page)
    assert (runs.total, runs.total_pages, runs.index, runs.max_size) == (2, 1, 1, 50)
    assert runs[-1].id == first.id  # newest first
    assert [run.id for run in client.list_pipeline_runs(sort_by="created")][0] == first.id
    assert client.list_pipeline_runs(name="nothing") == []
    for call in (
        client.list_pipelines,
        client.list_artifacts,
        client.list_artifact_versions,
        client.list_run_steps,
        client.list_snapshots,
        client.list_stacks,
        client.list_stack_components,
    ):
        assert isinstance(call(), Page), call.__name__


def test_run_filters_new_and_old_keywords_alike():
    summing()
    with pytest.raises(PipelineRunFailedError):
        exploding()
    client = Client()
    hour_ago = datetime.now(timezone.utc) - timedelta(hours=1)

    def pipelines(**query):
        return [run.pipeline_name for run in client.list_pipeline_runs(**query)]

    assert pipelines(status="in:failed,stopped") == ["exploding"]
    assert pipelines(status=ExecutionStatus.COMPLETED) == ["summing"]
    assert pipelines(pipeline_name="summing") == ["summing"]
    assert pipelines(pipeline="exploding") == ["exploding"]
    assert pipelines(pipeline_name_or_id=client.get_pipeline("summing").id) == ["summing"]
    assert pipelines(name="startswith:summing") == ["summing"]
    assert pipelines(created_after=hour_ago, descending=False) == ["summing", "exploding"]
    assert pipelines(created=f"gt:{hour_ago:%Y-%m-%d %H:%M:%S}", size=1, page=2) == ["summing"]
    assert pipelines(include_unlisted=False, sort_by="asc:pipeline_name") == [
        "exploding",
        "summing",
    ]
    with pytest.raises(QueryError, match="Cannot filter by 'user'"):
        client.list_pipeline_runs(user="me")


def test_steps_and_artifact_versions_are_listed_with_filters():
    run = summing()
    client = Client()

    steps = client.list_run_steps(pipeline_run_id=run.id, sort_by="asc:name")
    assert [s.name for s in steps] == ["add_up", "compare", "make_numbers"]
    assert client.list_run_steps(status="failed") == []
    versions = client.list_artifact_versions(name="oneof:numbers,total", sort_by="name")
    assert [(v.name, v.version) for v in versions] == [("numbers", "1"), ("total", "1")]


def test_artifact_versions_speak_version_strings_and_find_their_producer():
    first = summing()
    summing.with_options(enable_cache=False)()
    client = Client()

    version = client.get_artifact_version("total", "1")
    assert (version.version, version.version_number) == ("1", 1)
    assert client.get_artifact_version("total", 2).version == "2"
    assert version.step.name == "add_up"
    assert version.run.id == first.id
    artifact = client.get_artifact("total")
    assert list(artifact.versions) == ["1", "2"]
    assert artifact.versions["2"].load() == 6


def test_runs_know_the_artifact_versions_they_used_and_made():
    first = summing()
    cached = summing()
    assert {s.status for s in cached.steps.values()} == {ExecutionStatus.CACHED}

    used = {(v.name, v.version) for v in first.artifact_versions}
    assert used == {("numbers", "1"), ("total", "1"), ("summing::compare::output", "1")}
    assert {(v.name, v.version) for v in first.produced_artifact_versions} == used
    assert {(v.name, v.version) for v in cached.artifact_versions} == used
    assert cached.produced_artifact_versions == []


def test_a_step_run_with_one_input_has_input():
    run = summing()
    assert run.steps["add_up"].input.name == "numbers"
    with pytest.raises(ValueError, match="has 2 inputs .*numbers, total.*inputs\\[name\\]"):
        _ = run.steps["compare"].input
    with pytest.raises(ValueError, match="has 0 inputs"):
        _ = run.steps["make_numbers"].input


def test_a_pipeline_knows_its_last_successful_run():
    good = summing()
    pipeline_record = Client().get_pipeline("summing")
    assert pipeline_record.last_successful_run.id == good.id
    with pytest.raises(PipelineRunFailedError):
        exploding()
    from stepwell.exceptions import StoreError

    with pytest.raises(StoreError, match="no successful run"):
        _ = Client().get_pipeline("exploding").last_successful_run
