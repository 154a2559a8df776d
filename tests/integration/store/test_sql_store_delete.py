"""Deleting runs and pipelines from the SQL metadata store, and which artifacts go with them."""

from __future__ import annotations

import pytest

from stepwell.enums import ExecutionStatus
from stepwell.exceptions import EntityNotFoundError

S = ExecutionStatus


def _produce(store, run_id, name, make_step, make_version, inputs=None, logs_uri=None):
    """A completed step run of `run_id` with one output version of artifact `name`."""
    step = make_step(store, run_id, name, inputs=inputs or {}, logs_uri=logs_uri)
    version = make_version(store, name, producer=step.id, uri=f"/store/{name}/{step.id}")
    store.update_step_run(step.id, status=S.COMPLETED, outputs={"output": [version.id]})
    return step, version


def test_delete_run_keeps_versions_used_elsewhere(store, make_run, make_step, make_version):
    first = make_run(store)
    load, data = _produce(store, first.id, "data", make_step, make_version, logs_uri="/logs/1")
    train, model = _produce(
        store, first.id, "model", make_step, make_version, inputs={"data": [data.id]}
    )
    report_step, report = _produce(store, first.id, "report", make_step, make_version)
    external = make_version(store, "external")  # registered by hand: no producer
    store.update_step_run(report_step.id, outputs={"extra": [external.id]})

    second = make_run(store)
    cached = make_step(
        store,
        second.id,
        "model",
        status=S.CACHED,
        inputs={"data": [data.id]},
        outputs={"output": [model.id]},
        original_step_run_id=train.id,
    )

    removed = store.delete_run(first.id)

    # `report` was only used by the deleted run; `data` and `model` are still linked from the
    # cached step of the second run; `external` was never produced by a step of the run.
    assert sorted(removed) == sorted([report.uri, "/logs/1"])
    with pytest.raises(EntityNotFoundError):
        store.get_artifact_version(report.id)
    with pytest.raises(EntityNotFoundError):
        store.get_artifact("report")
    for survivor in (data, model, external):
        assert store.get_artifact_version(survivor.id).uri == survivor.uri
    with pytest.raises(EntityNotFoundError):
        store.get_run(first.id)
    with pytest.raises(EntityNotFoundError):
        store.get_step_run(load.id)
    # The cached step run that still outputs `model` now owns it; `data` has no owner left.
    assert store.get_artifact_version(model.id).producer_step_run_id == cached.id
    assert store.get_artifact_version(data.id).producer_step_run_id is None

    kept = store.get_step_run(cached.id)
    assert kept.original_step_run_id is None
    assert [v.id for v in kept.outputs["output"]] == [model.id]
    assert [v.id for v in kept.inputs["data"]] == [data.id]

    # Once the last run using it goes, the version it output goes too.
    removed = store.delete_run(second.id)
    assert removed == [model.uri]
    with pytest.raises(EntityNotFoundError):
        store.get_artifact("model")
    # `data` was only an input of the second run: it stays, for the user to reuse or prune.
    assert store.get_artifact_version(data.id).id == data.id
    assert [a.name for a in store.list_artifacts()] == ["data", "external"]


def test_delete_run_keeps_older_versions_of_the_same_artifact(
    store, make_run, make_step, make_version
):
    first = make_run(store)
    _, v1 = _produce(store, first.id, "model", make_step, make_version)
    second = make_run(store)
    _, v2 = _produce(store, second.id, "model", make_step, make_version)

    assert store.delete_run(second.id) == [v2.uri]
    assert [v.version_number for v in store.list_artifact_versions(name="model")] == [1]
    assert store.get_artifact_version("model").id == v1.id


def test_delete_pipeline_removes_runs_snapshots_and_artifacts(
    store, make_run, make_step, make_version
):
    pipeline = store.get_or_create_pipeline("training")
    snapshot = store.create_snapshot(pipeline_id=pipeline.id, spec={}, config={}, name="v1")
    run = make_run(store, snapshot_id=snapshot.id)
    _, version = _produce(store, run.id, "model", make_step, make_version)
    other = make_run(store, pipeline="inference")
    _, other_version = _produce(store, other.id, "predictions", make_step, make_version)

    store.delete_pipeline(pipeline.id)

    with pytest.raises(EntityNotFoundError):
        store.get_pipeline("training")
    with pytest.raises(EntityNotFoundError):
        store.get_snapshot(snapshot.id)
    with pytest.raises(EntityNotFoundError):
        store.get_run(run.id)
    with pytest.raises(EntityNotFoundError):
        store.get_artifact_version(version.id)
    assert [r.id for r in store.list_runs()] == [other.id]
    assert store.get_artifact_version(other_version.id).id == other_version.id
    with pytest.raises(EntityNotFoundError):
        store.delete_pipeline("training")
