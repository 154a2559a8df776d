"""The writes a run makes on its way are safe to repeat: a client that lost the answer (the
server restarted mid-call) sends the same call again, and the store answers with what the
first call recorded instead of failing or recording it twice."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from stepwell.config.pipeline_config import PipelineConfig
from stepwell.config.step_config import StepConfig
from stepwell.enums import ExecutionStatus
from stepwell.store.model_records import ModelVersionRequest
from stepwell.store.models import NewStepRun
from stepwell.store.rest.endpoints import BY_METHOD


def _run(store, run_id=None):
    pipeline = store.get_or_create_pipeline("repeats")
    return store.create_run(
        name="repeated-run",
        pipeline_id=pipeline.id,
        pipeline_name="repeats",
        snapshot_id=None,
        config=PipelineConfig(name="repeats"),
        id=run_id,
    )


def _step(store, run_id, step_id):
    return store.create_step_run(
        pipeline_run_id=run_id,
        name="train",
        step_name="train",
        config=StepConfig(),
        status=ExecutionStatus.RUNNING,
        inputs={},
        id=step_id,
    )


def test_a_repeated_create_run_with_its_id_returns_the_same_run(store):
    run_id = uuid.uuid4()
    first, again = _run(store, run_id), _run(store, run_id)
    assert first.id == again.id == run_id
    assert store.list_runs(size=10).total == 1


def test_a_repeated_create_snapshot_with_its_id_returns_the_same_snapshot(store):
    pipeline, snapshot_id = store.get_or_create_pipeline("repeats"), uuid.uuid4()
    made = [
        store.create_snapshot(pipeline_id=pipeline.id, spec={}, config={}, id=snapshot_id)
        for _ in range(2)
    ]
    assert [snapshot.id for snapshot in made] == [snapshot_id, snapshot_id]
    assert store.list_snapshots(size=10).total == 1


def test_a_repeated_create_step_run_with_its_id_records_one_step_run(store):
    run, step_id = _run(store), uuid.uuid4()
    first, again = _step(store, run.id, step_id), _step(store, run.id, step_id)
    assert first.id == again.id == step_id
    assert len(store.list_step_run_attempts(run.id, "train")) == 1


def test_a_repeated_batch_of_step_runs_records_each_once(store):
    run = _run(store)
    records = [
        NewStepRun(
            pipeline_run_id=run.id,
            name=name,
            step_name=name,
            config=StepConfig(),
            status=ExecutionStatus.CACHED,
            inputs={},
        )
        for name in ("a", "b")
    ]
    store.create_step_runs(records)
    store.create_step_runs(records)
    assert sorted(store.get_run_steps(run.id)) == ["a", "b"]
    assert store.list_step_runs(size=10).total == 2


def test_a_repeated_complete_step_run_answers_the_versions_it_recorded(store, tmp_path):
    run = _run(store)
    step = _step(store, run.id, uuid.uuid4())
    outputs = {
        "output": [
            {
                "name": "weights",
                "uri": str(tmp_path / "weights-1"),
                "data_type": "builtins.int",
                "materializer": "stepwell.materializers.BuiltInMaterializer",
            }
        ]
    }
    ended = datetime.now(timezone.utc)
    first = store.complete_step_run(step.id, end_time=ended, outputs=outputs)
    again = store.complete_step_run(step.id, end_time=ended, outputs=outputs)
    assert [v.id for v in again["output"]] == [v.id for v in first["output"]]
    assert store.list_artifact_versions(artifact="weights", size=10).total == 1


def test_a_repeated_prepare_of_a_runs_model_versions_numbers_one_version(store):
    run = _run(store)
    request = ModelVersionRequest(model_name="repeated_model")
    first = store.prepare_run_model_versions(run.id, [request], run_model_key=request.key)
    again = store.prepare_run_model_versions(run.id, [request], run_model_key=request.key)
    assert again[request.key].id == first[request.key].id
    versions = store.list_model_versions(model="repeated_model", size=10).items
    assert [version.number for version in versions] == [1]


def test_a_repeated_end_run_keeps_the_same_end(store):
    run = _run(store)
    ended = datetime.now(timezone.utc)
    store.end_run(run.id, status=ExecutionStatus.COMPLETED, end_time=ended)
    again = store.end_run(run.id, status=ExecutionStatus.COMPLETED, end_time=ended)
    assert again.status is ExecutionStatus.COMPLETED and again.end_time == ended


def test_the_writes_of_a_run_are_retried_by_the_rest_client():
    run_writes = (
        "create_snapshot",
        "create_run",
        "update_run",
        "record_heartbeat",
        "prepare_run_model_versions",
        "create_step_run",
        "create_step_runs",
        "complete_step_run",
        "create_run_metadata",
        "record_deferred_writes",
        "end_run",
    )
    assert [m for m in run_writes if not BY_METHOD[m].retryable] == []
    assert BY_METHOD["create_snapshot"].client_id == "id"
    assert BY_METHOD["create_run"].client_id == "id"
    assert BY_METHOD["create_step_run"].client_id == "id"
