"""List calls of the SQL store: filters with operators, tags, sorting and paging, in SQL."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, update

from stepwell.enums import ExecutionStatus, StackComponentType
from stepwell.exceptions import QueryError
from stepwell.store.models import (
    ArtifactVersionResponse,
    PipelineResponse,
    PipelineRunResponse,
    SnapshotResponse,
)
from stepwell.store.page import Page
from stepwell.store.sql.tables import RUNS

JAN = datetime(2026, 1, 1, tzinfo=timezone.utc)


def names(page):
    return [item.name for item in page]


@pytest.fixture
def runs(store, make_run):
    """Five runs of two pipelines created a day apart from 1 Jan 2026, with statuses."""
    made = {}
    plan = [
        ("train-1", "training", ExecutionStatus.COMPLETED),
        ("train-2", "training", ExecutionStatus.FAILED),
        ("infer-1", "inference", ExecutionStatus.STOPPED),
        ("train-3", "training", ExecutionStatus.RUNNING),
        ("infer-2", "inference", ExecutionStatus.COMPLETED),
    ]
    engine = create_engine(store.url)
    for day, (name, pipeline, status) in enumerate(plan):
        run = make_run(store, name=name, pipeline=pipeline, status=status)
        with engine.begin() as connection:
            connection.execute(
                update(RUNS).where(RUNS.c.id == run.id).values(created=JAN + timedelta(days=day))
            )
        made[name] = run
    engine.dispose()
    return made


def test_runs_filter_by_operators_in_sql_on_both_databases(store, runs):
    assert names(store.list_runs(status="in:failed,stopped")) == ["infer-1", "train-2"]
    assert names(store.list_runs(name="startswith:infer")) == ["infer-2", "infer-1"]
    assert names(store.list_runs(name="contains:AIN-")) == ["train-3", "train-2", "train-1"]
    assert names(store.list_runs(name="endswith:-3")) == ["train-3"]
    assert names(store.list_runs(created="gt:2026-01-03 00:00:00")) == ["train-3", "infer-2"][::-1]
    assert names(store.list_runs(created="lte:2026-01-02 00:00:00", sort_by="created")) == [
        "train-1",
        "train-2",
    ]
    assert names(store.list_runs(created="in:2026-01-02 00:00:00,2026-01-03 00:00:00")) == [
        "infer-1",
        "train-2",
    ]
    assert names(store.list_runs(status="notequals:completed", pipeline_name="training")) == [
        "train-3",
        "train-2",
    ]
    assert names(store.list_runs(status='oneof:["running"]')) == ["train-3"]
    run_id = runs["train-2"].id
    assert names(store.list_runs(id=str(run_id))) == ["train-2"]
    assert names(store.list_runs(id=f"startswith:{run_id.hex[:8]}")) == ["train-2"]


def test_or_combines_filters(store, runs):
    page = store.list_runs(status="running", name="infer-1", logical_operator="or")
    assert names(page) == ["train-3", "infer-1"]


def test_a_page_counts_every_match(store, runs):
    page = store.list_runs(pipeline_name="training", size=2, page=2, sort_by="asc:name")
    assert isinstance(page, Page)
    assert names(page) == ["train-3"]
    assert (page.total, page.total_pages, page.index, page.max_size) == (3, 2, 2, 2)


def test_unknown_fields_and_operators_fail_naming_the_valid_ones(sqlite_store):
    with pytest.raises(QueryError, match="Cannot filter by 'owner'; filter by one of: .*tags"):
        sqlite_store.list_runs(owner="me")
    with pytest.raises(QueryError, match="Unknown filter operator 'bigger'"):
        sqlite_store.list_runs(created="bigger:2026-01-01 00:00:00")
    with pytest.raises(QueryError, match="Unknown status 'done'"):
        sqlite_store.list_runs(status="done")


def test_tag_filters_need_every_tag(sqlite_store, make_run):
    a = make_run(sqlite_store, name="a")
    b = make_run(sqlite_store, name="b")
    make_run(sqlite_store, name="c")
    kind = PipelineRunResponse.tag_resource_type
    sqlite_store.add_tags(["nightly", "prod"], resource_type=kind, resource_id=a.id)
    sqlite_store.add_tags(["nightly"], resource_type=kind, resource_id=b.id)

    assert names(sqlite_store.list_runs(tags=["nightly"], sort_by="name")) == ["a", "b"]
    assert names(sqlite_store.list_runs(tags=["nightly", "prod"])) == ["a"]
    assert names(sqlite_store.list_runs(tags=["startswith:pr"])) == ["a"]
    assert names(sqlite_store.list_runs(tags=["missing"])) == []


def test_tag_filters_of_pipelines_artifacts_versions_and_snapshots(
    sqlite_store, make_run, make_version
):
    store = sqlite_store
    tagged = store.get_or_create_pipeline("tagged")
    store.get_or_create_pipeline("plain")
    first, _ = make_version(store, "model"), make_version(store, "data")
    snapshot = store.create_snapshot(pipeline_id=tagged.id, spec={}, config={}, name="s1")
    store.create_snapshot(pipeline_id=tagged.id, spec={}, config={}, name="s2")
    for model, resource_id in [
        (PipelineResponse, tagged.id),
        (ArtifactVersionResponse, first.id),
        (SnapshotResponse, snapshot.id),
    ]:
        store.add_tags(["gold"], resource_type=model.tag_resource_type, resource_id=resource_id)
    store.add_tags(["gold"], resource_type="artifact", resource_id=first.artifact_id)

    assert names(store.list_pipelines(tags="gold")) == ["tagged"]
    assert names(store.list_artifacts(tags=["gold"])) == ["model"]
    assert [v.id for v in store.list_artifact_versions(tags=["gold"])] == [first.id]
    assert names(store.list_snapshots(tags=["gold"])) == ["s1"]


def test_artifact_versions_filter_by_version_string_number_and_type(sqlite_store, make_version):
    store = sqlite_store
    for _ in range(3):
        make_version(store, "model")
    make_version(store, "data")

    def numbers(page):
        return [(v.name, v.version_number) for v in page]

    assert numbers(store.list_artifact_versions(name="model", version="2")) == [("model", 2)]
    assert numbers(store.list_artifact_versions(version_number="gte:2", sort_by="name")) == [
        ("model", 2),
        ("model", 3),
    ]
    assert numbers(store.list_artifact_versions(name="model", descending=True, size=2)) == [
        ("model", 3),
        ("model", 2),
    ]
    assert store.list_artifact_versions(name="contains:DEL").total == 3  # ignores case
    assert store.list_artifact_versions(type="DataArtifact").total == 4
    assert store.list_artifact_versions(artifact="data").total == 1


def test_artifacts_and_pipelines_sort_and_filter(sqlite_store, make_version):
    store = sqlite_store
    for name in ("beta", "alpha", "gamma"):
        make_version(store, name)
        store.get_or_create_pipeline(name)
    assert names(store.list_artifacts(sort_by="desc:name")) == ["gamma", "beta", "alpha"]
    assert names(store.list_artifacts(name="oneof:alpha,gamma", sort_by="name")) == [
        "alpha",
        "gamma",
    ]
    assert names(store.list_pipelines()) == ["beta", "alpha", "gamma"]  # oldest first
    assert names(store.list_pipelines(name="endswith:a", sort_by="asc:name")) == [
        "alpha",
        "beta",
        "gamma",
    ]


def test_step_runs_list_with_inputs_and_exclude_retried(sqlite_store, make_run, make_step):
    store = sqlite_store
    run = make_run(store)
    make_step(store, run.id, "trainer", status=ExecutionStatus.RETRIED)
    make_step(store, run.id, "trainer", status=ExecutionStatus.COMPLETED, attempt=2)
    make_step(store, run.id, "loader", status=ExecutionStatus.COMPLETED)

    every = store.list_step_runs(pipeline_run_id=str(run.id))
    assert [(s.name, s.attempt) for s in every] == [("trainer", 1), ("trainer", 2), ("loader", 1)]
    kept = store.list_step_runs(pipeline_run_id=str(run.id), exclude_retried=True)
    assert [(s.name, s.attempt) for s in kept] == [("trainer", 2), ("loader", 1)]
    assert names(store.list_step_runs(name="loader", status="completed")) == ["loader"]


def test_snapshots_stacks_and_components_take_the_same_query(sqlite_store):
    store = sqlite_store
    pipeline = store.get_or_create_pipeline("p")
    for name in ("old", None, "new"):
        store.create_snapshot(pipeline_id=pipeline.id, spec={}, config={}, name=name)
    assert names(store.list_snapshots(named_only=True)) == ["new", "old"]
    assert names(store.list_snapshots(pipeline="p", name="startswith:n")) == ["new"]
    assert store.list_snapshots().total == 3

    orchestrator = store.create_stack_component(
        name="local", type="orchestrator", flavor="local", configuration={}
    )
    artifact_store = store.create_stack_component(
        name="files", type="artifact_store", flavor="local", configuration={}
    )
    store.create_stack_component(name="ops", type="alerter", flavor="log", configuration={})
    parts = {
        StackComponentType.ORCHESTRATOR: orchestrator.id,
        StackComponentType.ARTIFACT_STORE: artifact_store.id,
    }
    prod = store.create_stack(name="prod", components=parts)
    store.create_stack(name="dev", components=parts)

    assert names(store.list_stacks()) == ["dev", "prod"]
    assert names(store.list_stacks(name="startswith:p")) == ["prod"]
    assert names(store.list_stacks(component_id=orchestrator.id, sort_by="desc:name")) == [
        "prod",
        "dev",
    ]
    assert names(store.list_stack_components(type="alerter")) == ["ops"]
    assert names(store.list_stack_components(stack_id=prod.id)) == ["files", "local"]
    with pytest.raises(QueryError, match="Unknown type 'router'.*orchestrator"):
        store.list_stack_components(type="router")
