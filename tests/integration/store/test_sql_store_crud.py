"""Create, read, update and delete every entity of the SQL metadata store, on both backends."""

from __future__ import annotations

import pickle
from datetime import datetime, timedelta, timezone

import pytest

from stepwell.config.pipeline_config import PipelineConfig
from stepwell.config.retry_config import StepRetryConfig
from stepwell.config.step_config import StepConfig
from stepwell.enums import ArtifactType, ExecutionMode, ExecutionStatus
from stepwell.exceptions import EntityExistsError, EntityNotFoundError, StoreError
from stepwell.store.models import PipelineRunResponse

UTC = timezone.utc


def _assert_utc(value: datetime | None) -> None:
    assert value is not None
    assert value.tzinfo is not None
    assert value.utcoffset() == timedelta(0)


def test_pipelines_get_or_create_get_list_delete(store):
    first = store.get_or_create_pipeline("training")
    again = store.get_or_create_pipeline("training")
    other = store.get_or_create_pipeline("inference")

    assert again.id == first.id
    assert other.id != first.id
    assert store.get_pipeline("training").id == first.id
    assert store.get_pipeline(first.id).name == "training"
    assert store.get_pipeline(str(first.id)).name == "training"
    _assert_utc(first.created)
    assert first._store is store

    assert [p.name for p in store.list_pipelines()] == ["training", "inference"]
    assert [p.name for p in store.list_pipelines(name="inference")] == ["inference"]
    assert [p.name for p in store.list_pipelines(page=2, size=1)] == ["inference"]
    assert store.list_pipelines(page=3, size=1) == []

    store.delete_pipeline("training")
    with pytest.raises(EntityNotFoundError, match="training"):
        store.get_pipeline("training")
    assert [p.name for p in store.list_pipelines()] == ["inference"]


def test_snapshots_create_and_get(store):
    pipeline = store.get_or_create_pipeline("training")
    other = store.get_or_create_pipeline("inference")
    spec = {"steps": {"load": {"source": "pkg.steps:load", "upstream": []}}, "version": 1}
    snapshot = store.create_snapshot(
        pipeline_id=pipeline.id,
        spec=spec,
        config={"name": "training", "parameters": {"lr": 0.1}},
        name="nightly",
        description="the nightly job",
        source_root="/src",
        code_uri="file:///code.zip",
    )

    for key in (snapshot.id, str(snapshot.id), "nightly"):
        fetched = store.get_snapshot(key)
        assert fetched.id == snapshot.id
        assert fetched.spec == spec
        assert fetched.config == {"name": "training", "parameters": {"lr": 0.1}}
        assert fetched.pipeline_name == "training"
        assert fetched.description == "the nightly job"
        assert (fetched.source_root, fetched.code_uri) == ("/src", "file:///code.zip")
        _assert_utc(fetched.created)

    with pytest.raises(EntityExistsError, match="nightly"):
        store.create_snapshot(pipeline_id=pipeline.id, spec={}, config={}, name="nightly")
    # Unnamed snapshots never clash; the same name in another pipeline is fine.
    store.create_snapshot(pipeline_id=pipeline.id, spec={}, config={})
    store.create_snapshot(pipeline_id=pipeline.id, spec={}, config={})
    store.create_snapshot(pipeline_id=other.id, spec={}, config={}, name="nightly")
    with pytest.raises(StoreError, match="Several snapshots are named 'nightly'"):
        store.get_snapshot("nightly")
    with pytest.raises(EntityNotFoundError):
        store.get_snapshot("weekly")
    assert len(store.list_snapshots(size=2, page=2)) == 2  # 4 snapshots
    with pytest.raises(StoreError, match="page must be >= 1"):
        store.list_snapshots(size=-1)


def test_runs_create_get_update(store, make_run):
    config = PipelineConfig(
        name="training",
        run_name="nightly_{date}",
        enable_cache=False,
        execution_mode=ExecutionMode.FAIL_FAST,
        parameters={"lr": 0.01, "layers": [1, 2]},
        retry=StepRetryConfig(max_retries=3, delay=1.5),
        tags=["a", "b"],
    )
    start = datetime(2024, 5, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    created = make_run(
        store,
        name="nightly_1",
        config=config,
        start_time=start,
        is_unlisted=True,
        orchestrator_pid=4321,
        status=ExecutionStatus.RUNNING,
    )
    assert isinstance(created, PipelineRunResponse)
    assert created._store is store
    assert created.start_time == start
    _assert_utc(created.start_time)

    for key in (created.id, str(created.id), "nightly_1"):
        fetched = store.get_run(key)
        assert fetched.id == created.id
        assert fetched.config == config
        assert isinstance(fetched.config.retry, StepRetryConfig)
        assert fetched.status is ExecutionStatus.RUNNING
        assert fetched.is_unlisted is True
        assert fetched.orchestrator_pid == 4321
        assert fetched.pipeline_name == "training"
        assert fetched.start_time == start
        _assert_utc(fetched.start_time)
        _assert_utc(fetched.created)
        assert fetched.end_time is None
        assert fetched._store is store

    end = datetime(2024, 5, 1, 10, 30)  # naive: taken as UTC
    beat = datetime.now(UTC)
    updated = store.update_run(
        created.id,
        status=ExecutionStatus.COMPLETED,
        end_time=end,
        status_message="all good",
        heartbeat=beat,
    )
    assert updated.status is ExecutionStatus.COMPLETED
    assert updated.end_time == end.replace(tzinfo=UTC)
    assert updated.updated >= created.updated
    fetched = store.get_run(created.id)
    assert fetched.status is ExecutionStatus.COMPLETED
    assert fetched.end_time == end.replace(tzinfo=UTC)
    assert fetched.heartbeat == beat
    assert fetched.status_message == "all good"
    assert fetched.duration == pytest.approx(1800.0)
    # Fields not given are left alone.
    assert store.update_run(created.id, status_message="later").end_time == fetched.end_time

    with pytest.raises(EntityNotFoundError):
        store.get_run("nightly_2")


def test_fail_dead_run_fails_a_silent_run_and_its_unfinished_steps_at_once(
    store, make_run, make_step
):
    S = ExecutionStatus
    old = datetime(2020, 1, 1, tzinfo=UTC)
    run = make_run(store, status=S.RUNNING, start_time=old)
    done = store.update_step_run(make_step(store, run.id, "load").id, status=S.COMPLETED)
    running = make_step(store, run.id, "train")

    failed = store.fail_dead_run(run.id, "gone")
    assert failed.status is S.FAILED and failed.status_message == "gone"
    assert store.get_run(run.id).status is S.FAILED
    steps = store.get_run_steps(run.id)
    assert steps["load"].status is S.COMPLETED and steps["load"].end_time == done.end_time
    assert steps["train"].status is S.FAILED and steps["train"].status_message == "gone"
    assert running.status is S.RUNNING


def test_fail_dead_run_leaves_runs_that_finished_or_beat_in_the_meantime(store, make_run):
    S = ExecutionStatus
    old = datetime(2020, 1, 1, tzinfo=UTC)
    finished = make_run(store, status=S.RUNNING, start_time=old)
    store.update_run(finished.id, status=S.COMPLETED)  # completed just before the check
    assert store.fail_dead_run(finished.id, "gone").status is S.COMPLETED
    assert store.fail_dead_run(finished.id, "gone", process_gone=True).status is S.COMPLETED
    assert store.get_run(finished.id).status is S.COMPLETED
    alive = make_run(store, status=S.RUNNING, start_time=old)
    store.record_heartbeat(alive.id)  # a heartbeat just arrived
    assert store.fail_dead_run(alive.id, "gone").status is S.RUNNING
    assert store.get_run(alive.id).status is S.RUNNING


def test_delete_run_removes_the_run(store, make_run):
    run = make_run(store, name="doomed")
    kept = make_run(store, name="kept")
    assert store.delete_run(run.id) == []
    with pytest.raises(EntityNotFoundError):
        store.get_run(run.id)
    assert [r.name for r in store.list_runs()] == [kept.name]
    with pytest.raises(EntityNotFoundError):
        store.delete_run(run.id)


def test_artifact_versions_count_up_and_are_found(store, make_version):
    first = make_version(
        store,
        "model",
        uri="/a/1",
        type=ArtifactType.MODEL,
        content_hash="abc",
        size=123,
        run_metadata={"accuracy": 0.9, "labels": ["x"]},
        has_custom_name=True,
    )
    second = make_version(store, "model", uri="/a/2")
    third = make_version(store, "model", uri="/a/3")
    other = make_version(store, "dataset", uri="/d/1")

    assert [
        first.version_number,
        second.version_number,
        third.version_number,
        other.version_number,
    ] == [1, 2, 3, 1]
    assert first.artifact_id == second.artifact_id != other.artifact_id
    _assert_utc(first.created)

    assert store.get_artifact_version("model").id == third.id
    assert store.get_artifact_version("model", 2).id == second.id
    assert store.get_artifact_version("model", "1").id == first.id
    assert store.get_artifact_version(first.artifact_id, 3).id == third.id
    loaded = store.get_artifact_version(first.id)
    assert loaded.name == "model"
    assert loaded.type is ArtifactType.MODEL
    assert (loaded.content_hash, loaded.size, loaded.uri) == ("abc", 123, "/a/1")
    assert loaded.run_metadata == {"accuracy": 0.9, "labels": ["x"]}
    assert store.get_artifact_version(str(second.id)).version_number == 2

    with pytest.raises(EntityNotFoundError, match="has no version '4'"):
        store.get_artifact_version("model", 4)
    # Versions are names (ZenML's strings): one that no version carries is not found.
    with pytest.raises(EntityNotFoundError, match="has no version 'latest'"):
        store.get_artifact_version("model", "latest")
    with pytest.raises(EntityNotFoundError, match="missing"):
        store.get_artifact_version("missing")

    versions = store.list_artifact_versions(name="model")
    assert [v.version_number for v in versions] == [1, 2, 3]
    assert [
        v.version_number for v in store.list_artifact_versions(name="model", descending=True)
    ] == [
        3,
        2,
        1,
    ]
    assert [
        v.version_number for v in store.list_artifact_versions(name="model", page=2, size=2)
    ] == [3]
    assert len(store.list_artifact_versions()) == 4
    assert store.list_artifact_versions(name="nothing") == []

    artifacts = store.list_artifacts()
    assert [a.name for a in artifacts] == ["model", "dataset"]
    model = store.get_artifact("model")
    assert model.has_custom_name is True
    assert store.get_artifact(model.id).name == "model"
    assert list(model.versions) == ["1", "2", "3"]
    assert store.get_artifact("dataset").has_custom_name is False


def test_step_runs_record_inputs_outputs_and_updates(store, make_run, make_version, make_step):
    run = make_run(store)
    a1, a2, b1 = make_version(store, "a"), make_version(store, "a"), make_version(store, "b")
    config = StepConfig(parameters={"n": 3}, enable_cache=True)
    step = make_step(
        store,
        run.id,
        "train",
        inputs={"features": [a2.id, a1.id], "labels": [b1.id]},
        config=config,
        attempt=1,
        cache_key="key-1",
        cache_components={"code": "h1", "params": "h2"},
        source_code_hash="h1",
        logs_uri="/logs/train.log",
        start_time=datetime(2024, 1, 1, tzinfo=UTC),
    )
    assert [v.id for v in step.inputs["features"]] == [a2.id, a1.id]
    assert step.outputs == {}
    assert step.config == config

    out1 = make_version(store, "model", producer=step.id)
    out2 = make_version(store, "model", producer=step.id)
    updated = store.update_step_run(
        step.id,
        status=ExecutionStatus.COMPLETED,
        end_time=datetime(2024, 1, 1, 0, 0, 5, tzinfo=UTC),
        outputs={"model": [out1.id]},
        status_message="done",
    )
    store.update_step_run(step.id, outputs={"model": [out2.id]})

    fetched = store.get_step_run(step.id)
    assert fetched.status is ExecutionStatus.COMPLETED
    assert fetched.config == config
    assert fetched.cache_key == "key-1"
    assert fetched.cache_components == {"code": "h1", "params": "h2"}
    assert fetched.source_code_hash == "h1"
    assert fetched.logs_uri == "/logs/train.log"
    assert fetched.status_message == "done"
    assert fetched.duration == 5.0
    assert [v.id for v in fetched.inputs["features"]] == [a2.id, a1.id]
    assert [v.name for v in fetched.inputs["labels"]] == ["b"]
    assert [v.id for v in fetched.outputs["model"]] == [out1.id, out2.id]
    assert fetched.output.id == out2.id
    assert [v.id for v in updated.outputs["model"]] == [out1.id]
    assert fetched.outputs["model"][0]._store is store
    assert store.get_artifact_version(out1.id).producer_step_run_id == step.id

    failed = store.update_step_run(
        make_step(store, run.id, "evaluate").id,
        status=ExecutionStatus.FAILED,
        exception="Traceback: boom",
    )
    assert store.get_step_run(failed.id).exception == "Traceback: boom"

    with pytest.raises(EntityNotFoundError):
        store.get_step_run(run.id)


def test_timestamps_are_aware_utc(store, make_run, make_version, make_step):
    paris = timezone(timedelta(hours=1))
    run = make_run(store, start_time=datetime(2024, 3, 1, 9, 0, tzinfo=paris))
    step = make_step(store, run.id, "load", start_time=datetime(2024, 3, 1, 9, 1, tzinfo=paris))
    version = make_version(store, "data")
    fetched_run = store.get_run(run.id)
    fetched_step = store.get_step_run(step.id)
    fetched_version = store.get_artifact_version(version.id)
    pipeline = store.get_pipeline("training")
    values = [
        fetched_run.start_time,
        fetched_run.created,
        fetched_run.updated,
        fetched_step.start_time,
        fetched_step.created,
        fetched_version.created,
        pipeline.created,
    ]
    for value in values:
        _assert_utc(value)
    assert fetched_run.start_time == datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
    assert fetched_run.start_time.hour == 8
    now = datetime.now(UTC)
    assert now - timedelta(minutes=5) < fetched_run.created <= now


def test_responses_pickle_and_stay_usable(store, make_run, make_step, make_version):
    run = make_run(store, name="pickled")
    version = make_version(store, "model")
    step = make_step(store, run.id, "train", inputs={"model": [version.id]})

    copies = pickle.loads(pickle.dumps([run, step]))
    try:
        assert [c.model_dump() for c in copies] == [run.model_dump(), step.model_dump()]
        assert copies[0]._store is copies[1]._store  # one store per URL and process
        assert copies[0]._store.url == store.url
        assert copies[0].refresh().name == "pickled"
        assert list(copies[0].steps) == ["train"]
        assert copies[1].inputs["model"][0].id == version.id
    finally:
        copies[0]._store.close()
