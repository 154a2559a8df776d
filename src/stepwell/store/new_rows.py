"""The rows new records are written as: runs, step runs, links, artifact versions, metadata
and pending outputs (layer: store).

`SqlStore` and the direct SQLite path (`stepwell.store.direct`) build them here, so the two
always write the same columns with the same values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from stepwell.config.pipeline_config import PipelineConfig
from stepwell.config.step_config import StepConfig
from stepwell.enums import ArtifactType, ExecutionStatus
from stepwell.metadata.metadata_types import encode_metadata
from stepwell.store.new_step_run import NewStepRun
from stepwell.store.row_conversions import as_uuid
from stepwell.store.status_rules import to_status
from stepwell.store.utc import as_utc, utc_now


def run_row(
    *,
    name: str,
    pipeline_id: UUID | None,
    pipeline_name: str,
    snapshot_id: UUID | None,
    config: PipelineConfig,
    status: ExecutionStatus = ExecutionStatus.INITIALIZING,
    is_unlisted: bool = False,
    start_time: datetime | None = None,
    orchestrator_pid: int | None = None,
    stack_id: UUID | None = None,
    orchestrator_host: str | None = None,
    orchestrator_start_token: str | None = None,
    heartbeat_interval: float | None = None,
    schedule_id: UUID | None = None,
    id: UUID | None = None,
) -> dict[str, Any]:
    """The `pipeline_runs` row of a new run (`Store.create_run`'s arguments and defaults)."""
    now = utc_now()
    return {
        "id": as_uuid(id) if id is not None else uuid4(),
        "name": name,
        "pipeline_id": pipeline_id,
        "pipeline_name": pipeline_name,
        "snapshot_id": snapshot_id,
        "status": to_status(status).value,
        "config": config.model_dump(mode="json"),
        "is_unlisted": is_unlisted,
        "start_time": as_utc(start_time),
        "end_time": None,
        "created": now,
        "updated": now,
        "status_message": None,
        "orchestrator_pid": orchestrator_pid,
        "heartbeat": None,
        "heartbeat_interval": heartbeat_interval,
        "stack_id": stack_id,
        "orchestrator_host": orchestrator_host,
        "orchestrator_start_token": orchestrator_start_token,
        "stop_requested_at": None,
        "model_version_id": None,
        "schedule_id": as_uuid(schedule_id) if schedule_id is not None else None,
    }


def new_step_run(
    *,
    pipeline_run_id: UUID,
    name: str,
    step_name: str,
    config: StepConfig,
    status: ExecutionStatus,
    inputs: dict[str, list[UUID]],
    start_time: datetime | None = None,
    end_time: datetime | None = None,
    attempt: int = 1,
    cache_key: str | None = None,
    cache_components: dict[str, str] | None = None,
    original_step_run_id: UUID | None = None,
    source_code_hash: str | None = None,
    logs_uri: str | None = None,
    outputs: dict[str, list[UUID]] | None = None,
    status_message: str | None = None,
    model_version_id: UUID | None = None,
    id: UUID | str | None = None,
) -> NewStepRun:
    """The record of one new attempt (`Store.create_step_run`'s arguments and defaults,
    without `hydrate` and `pending_uris`)."""
    return NewStepRun(
        pipeline_run_id=pipeline_run_id,
        name=name,
        step_name=step_name,
        config=config,
        status=status,
        inputs=inputs,
        outputs=outputs or {},
        start_time=start_time,
        end_time=end_time,
        attempt=attempt,
        cache_key=cache_key,
        cache_components=dict(cache_components or {}),
        original_step_run_id=original_step_run_id,
        source_code_hash=source_code_hash,
        logs_uri=logs_uri,
        status_message=status_message,
        model_version_id=model_version_id,
        id=as_uuid(id) if id is not None else uuid4(),
    )


def step_run_changes(
    *,
    end_time: datetime | None = None,
    exception: str | None = None,
    status_message: str | None = None,
    cache_key: str | None = None,
    cache_components: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The columns `Store.update_step_run` changes besides the status: those given."""
    given = {
        "end_time": as_utc(end_time),
        "exception": exception,
        "status_message": status_message,
        "cache_key": cache_key,
        "cache_components": dict(cache_components) if cache_components is not None else None,
    }
    return {key: value for key, value in given.items() if value is not None}


def step_run_row(record: NewStepRun) -> dict[str, Any]:
    """The `step_runs` row of a new step run."""
    return {
        "id": record.id,
        "pipeline_run_id": record.pipeline_run_id,
        "name": record.name,
        "step_name": record.step_name,
        "status": to_status(record.status).value,
        "config": record.config.model_dump(mode="json"),
        "start_time": as_utc(record.start_time),
        "end_time": as_utc(record.end_time),
        "created": record.created,
        "updated": record.created,
        "attempt": record.attempt,
        "cache_key": record.cache_key,
        "cache_components": dict(record.cache_components),
        "original_step_run_id": record.original_step_run_id,
        "source_code_hash": record.source_code_hash,
        "logs_uri": record.logs_uri,
        "exception": None,
        "status_message": record.status_message,
        "model_version_id": record.model_version_id,
    }


def link_rows(
    step_run_id: UUID, artifacts: dict[str, list[UUID]], start: dict[str, int] | None = None
) -> list[dict[str, Any]]:
    """Link-table rows tying a step run to artifact versions: name -> ids, positions counting
    up from `start`."""
    return [
        {
            "step_run_id": step_run_id,
            "name": name,
            "position": (start or {}).get(name, 0) + position,
            "artifact_version_id": version_id,
        }
        for name, version_ids in artifacts.items()
        for position, version_id in enumerate(version_ids)
    ]


def version_row(
    *,
    artifact_id: UUID,
    number: int,
    version_name: str | None,
    created: datetime,
    uri: str,
    data_type: str,
    materializer: str,
    type: ArtifactType = ArtifactType.DATA,
    content_hash: str | None = None,
    size: int | None = None,
    producer_step_run_id: UUID | str | None = None,
    visualizations: list[dict[str, Any]] | None = None,
    digest: str | None = None,
    load_options: dict[str, Any] | None = None,
    id: UUID | str | None = None,
) -> dict[str, Any]:
    """The `artifact_versions` row of version `number` of artifact `artifact_id` (`id`: the
    one the caller chose; over REST it arrives as text)."""
    return {
        "id": as_uuid(id) if id is not None else uuid4(),
        "artifact_id": artifact_id,
        "version": number,
        "uri": uri,
        "type": ArtifactType(type).value,
        "data_type": data_type,
        "materializer": materializer,
        "content_hash": content_hash,
        "size": size,
        # Over the REST API these fields travel in a plain dict: the id arrives as text.
        "producer_step_run_id": as_uuid(producer_step_run_id) if producer_step_run_id else None,
        "created": created,
        # Kept in the metadata table, typed, like metadata logged later (see `.run_metadata`).
        "run_metadata": {},
        "visualizations": [dict(item) for item in visualizations] if visualizations else None,
        "version_name": version_name,
        "digest": digest,
        "load_options": dict(load_options) if load_options else None,
    }


def metadata_rows(
    resource_type: str,
    resource_id: UUID,
    metadata: Mapping[str, Any],
    publisher_step_run_id: UUID | None,
    created: datetime,
) -> list[dict[str, Any]]:
    """One `run_metadata` row per value of `metadata` (values checked: a bad one raises)."""
    return [
        {
            "id": uuid4(),
            "resource_type": resource_type,
            "resource_id": resource_id,
            "key": entry.key,
            "value": entry.value,
            "type": entry.type,
            "publisher_step_run_id": publisher_step_run_id,
            "created": created,
        }
        for entry in encode_metadata(metadata)
    ]


def pending_rows(run_id: UUID, step_run_id: UUID, uris: Iterable[str]) -> list[dict[str, Any]]:
    """`pending_outputs` rows: `uris` about to be written by step run `step_run_id`."""
    now = utc_now()
    return [
        {
            "id": uuid4(),
            "pipeline_run_id": run_id,
            "step_run_id": step_run_id,
            "uri": uri,
            "created": now,
        }
        for uri in uris
    ]
