"""Row-to-response conversions of the metadata store (layer: store).

The "read" end of the define -> compile -> orchestrate -> launch -> store -> read flow: turns
table rows (mappings of column values) into the pydantic response models of
`stepwell.store.models` without re-validating what the store validated on the way in (configs
are rebuilt as `StepConfig`/`PipelineConfig`), and binds each response to its store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from uuid import UUID

from stepwell.config.pipeline_config import PipelineConfig
from stepwell.config.step_config import StepConfig
from stepwell.enums import ArtifactType, ExecutionStatus, StackComponentType
from stepwell.store.base import Store
from stepwell.store.models import (
    ArtifactResponse,
    ArtifactVersionResponse,
    ArtifactVisualizationResponse,
    CacheHit,
    PipelineResponse,
    PipelineRunResponse,
    SnapshotResponse,
    StackComponentResponse,
    StackResponse,
    StepRunResponse,
)

_TYPE_ORDER = {kind: position for position, kind in enumerate(StackComponentType)}
ArtifactList = dict[str, list[ArtifactVersionResponse]]
Row = Mapping[Any, Any]  # a row's `_mapping`, or the dict of values just inserted


def pipeline_response(row: Row, store: Store) -> PipelineResponse:
    """The response for a `pipelines` row."""
    response = PipelineResponse.model_construct(
        id=row["id"],
        name=row["name"],
        created=row["created"],
        updated=row["updated"],
        description=row["description"],
    )
    response.bind(store)
    return response


def snapshot_response(row: Row, pipeline_name: str, store: Store) -> SnapshotResponse:
    """The response for a `snapshots` row of the pipeline called `pipeline_name`."""
    response = SnapshotResponse.model_construct(
        id=row["id"],
        name=row["name"],
        description=row["description"],
        pipeline_id=row["pipeline_id"],
        pipeline_name=pipeline_name,
        spec=row["spec"],
        config=row["config"],
        source_root=row["source_root"],
        code_uri=row["code_uri"],
        created=row["created"],
    )
    response.bind(store)
    return response


def run_response(
    row: Row, store: Store, config: PipelineConfig | None = None
) -> PipelineRunResponse:
    """The response for a `pipeline_runs` row (`config`: the already-parsed config, if known)."""
    response = PipelineRunResponse.model_construct(
        id=row["id"],
        name=row["name"],
        pipeline_id=row["pipeline_id"],
        pipeline_name=row["pipeline_name"],
        snapshot_id=row["snapshot_id"],
        status=ExecutionStatus(row["status"]),
        config=config if config is not None else PipelineConfig.model_validate(row["config"]),
        is_unlisted=row["is_unlisted"],
        start_time=row["start_time"],
        end_time=row["end_time"],
        created=row["created"],
        updated=row["updated"],
        status_message=row["status_message"],
        orchestrator_pid=row["orchestrator_pid"],
        heartbeat=row["heartbeat"],
        heartbeat_interval=row.get("heartbeat_interval"),
        stack_id=row["stack_id"],
        orchestrator_host=row["orchestrator_host"],
        orchestrator_start_token=row["orchestrator_start_token"],
        stop_requested_at=row["stop_requested_at"],
        model_version_id=row.get("model_version_id"),
        schedule_id=row.get("schedule_id"),
    )
    response.bind(store)
    return response


def step_run_response(
    row: Row,
    store: Store,
    inputs: ArtifactList | None = None,
    outputs: ArtifactList | None = None,
    config: StepConfig | None = None,
) -> StepRunResponse:
    """The response for a `step_runs` row with its input and output artifact versions."""
    response = StepRunResponse.model_construct(
        id=row["id"],
        name=row["name"],
        step_name=row["step_name"],
        pipeline_run_id=row["pipeline_run_id"],
        status=ExecutionStatus(row["status"]),
        config=config if config is not None else StepConfig.model_validate(row["config"]),
        start_time=row["start_time"],
        end_time=row["end_time"],
        created=row["created"],
        updated=row["updated"],
        attempt=row["attempt"],
        cache_key=row["cache_key"],
        cache_components=dict(row["cache_components"] or {}),
        original_step_run_id=row["original_step_run_id"],
        source_code_hash=row["source_code_hash"],
        logs_uri=row["logs_uri"],
        exception=row["exception"],
        status_message=row["status_message"],
        inputs=inputs if inputs is not None else {},
        outputs=outputs if outputs is not None else {},
        model_version_id=row.get("model_version_id"),
    )
    response.bind(store)
    return response


def artifact_response(row: Row, store: Store) -> ArtifactResponse:
    """The response for an `artifacts` row."""
    response = ArtifactResponse.model_construct(
        id=row["id"],
        name=row["name"],
        has_custom_name=row["has_custom_name"],
        created=row["created"],
    )
    response.bind(store)
    return response


def version_response(row: Row, name: str, store: Store) -> ArtifactVersionResponse:
    """The response for an `artifact_versions` row, whose artifact is called `name`."""
    response = ArtifactVersionResponse.model_construct(
        id=row["id"],
        artifact_id=row["artifact_id"],
        name=name,
        version=row.get("version_name") or str(row["version"]),
        version_number=row["version"],
        uri=row["uri"],
        type=ArtifactType(row["type"]),
        data_type=row["data_type"],
        materializer=row["materializer"],
        content_hash=row["content_hash"],
        size=row["size"],
        digest=row.get("digest"),
        load_options=row.get("load_options"),
        producer_step_run_id=row["producer_step_run_id"],
        created=row["created"],
        visualizations=[
            ArtifactVisualizationResponse(uri=item["uri"], type=item["type"])
            for item in row.get("visualizations") or []
        ],
    )
    response._column_metadata = dict(row["run_metadata"] or {})  # older versions only
    response.bind(store)
    return response


def component_response(row: Row, store: Store) -> StackComponentResponse:
    """The response for a `stack_components` row."""
    response = StackComponentResponse.model_construct(
        id=row["id"],
        name=row["name"],
        type=StackComponentType(row["type"]),
        flavor=row["flavor"],
        configuration=dict(row["configuration"] or {}),
        created=row["created"],
        updated=row["updated"],
    )
    response.bind(store)
    return response


def stack_response(
    row: Row, components: list[StackComponentResponse], store: Store
) -> StackResponse:
    """The response for a `stacks` row made of `components`."""
    response = StackResponse.model_construct(
        id=row["id"],
        name=row["name"],
        components={
            component.type: component
            for component in sorted(components, key=lambda item: _TYPE_ORDER[item.type])
        },
        created=row["created"],
        updated=row["updated"],
    )
    response.bind(store)
    return response


def as_uuid(value: UUID | str) -> UUID:
    """`value` as a UUID (a UUID string is parsed; anything else raises ValueError)."""
    return value if isinstance(value, UUID) else UUID(str(value))


def group_links(rows: Iterable[Row], store: Store) -> dict[UUID, tuple[ArtifactList, ArtifactList]]:
    """Inputs and outputs (name -> versions in position order) by step run id, from link
    rows (`kind` 0 input, 1 output; `step_run_id`, `link_name`, `artifact_name` and the
    version's columns) in step run, kind, name and position order."""
    links: dict[UUID, tuple[ArtifactList, ArtifactList]] = {}
    versions: dict[UUID, ArtifactVersionResponse] = {}  # one response per version, shared
    for row in rows:
        entry = links.get(row["step_run_id"])
        if entry is None:
            entry = links[row["step_run_id"]] = ({}, {})
        version = versions.get(row["id"])
        if version is None:
            version = versions[row["id"]] = version_response(row, row["artifact_name"], store)
        entry[row["kind"]].setdefault(row["link_name"], []).append(version)
    return links


def latest_attempts(rows: Iterable[Row]) -> list[Row]:
    """The latest attempt of each step invocation (by attempt, then creation), in the order
    the invocations first appear in `rows`."""
    latest: dict[str, Row] = {}
    for row in rows:
        best = latest.get(row["name"])
        if best is None or (row["attempt"], row["created"]) >= (best["attempt"], best["created"]):
            latest[row["name"]] = row
    return list(latest.values())


def cache_hit(rows: Sequence[Row], store: Store) -> CacheHit | None:
    """The cache hit of a cache lookup's rows: the step run (`step_run_id`,
    `step_run_end_time`, `step_run_status`) joined to each of its output versions (`link_name`
    None: it has none). A reused step run that is itself cached (its original run was
    deleted) ended when it was cached, so its result is as old as its oldest output."""
    if not rows:
        return None
    outputs: ArtifactList = {}
    for row in rows:
        if row["link_name"] is not None:
            outputs.setdefault(row["link_name"], []).append(
                version_response(row, row["artifact_name"], store)
            )
    first = rows[0]
    ended = first["step_run_end_time"]
    if first["step_run_status"] == ExecutionStatus.CACHED.value:
        made = [version.created for versions in outputs.values() for version in versions]
        ended = min(made, default=ended)
    return CacheHit(first["step_run_id"], ended, outputs)
