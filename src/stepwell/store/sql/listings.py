"""What each resource's list call can filter and sort by (layer: store, the SQL side).

One `Listing` per resource the Client lists: pipelines, runs, step runs, artifacts, artifact
versions, snapshots, stacks and stack components. Field names follow ZenML's filter models
(`pipeline_name`, `version_number`, `code_hash`, ...), each mapped to the column or SQL
expression it stands for; `store.sql.lists` runs the queries. Tag filters use the resource
type each response model tags its records with (`PipelineRunResponse.tag_resource_type`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, String, cast, func

from stepwell.enums import ArtifactType, ExecutionStatus, StackComponentType
from stepwell.store.filters import FieldSpec
from stepwell.store.models import (
    ArtifactResponse,
    ArtifactVersionResponse,
    PipelineResponse,
    PipelineRunResponse,
    SnapshotResponse,
)
from stepwell.store.sql.durations import elapsed_seconds
from stepwell.store.sql.listing import Listing
from stepwell.store.sql.tables import (
    ARTIFACTS,
    PIPELINES,
    RUNS,
    SNAPSHOTS,
    STACK_COMPONENTS,
    STACKS,
    STEP_RUNS,
    VERSIONS,
)


def _columns(table: Any, *names: str) -> dict[str, ColumnElement[Any]]:
    return {name: table.c[name] for name in names}


_STATUS = FieldSpec.enum("status", ExecutionStatus)

RUN_LISTING = Listing(
    source=RUNS,
    selected=[RUNS],
    columns=_columns(
        RUNS,
        "id",
        "name",
        "pipeline_id",
        "pipeline_name",
        "snapshot_id",
        "stack_id",
        "schedule_id",
        "status",
        "is_unlisted",
        "start_time",
        "end_time",
        "created",
        "updated",
        "status_message",
    )
    | {"duration": elapsed_seconds(RUNS.c.start_time, RUNS.c.end_time)},
    id_column=RUNS.c.id,
    tiebreak=[RUNS.c.created, RUNS.c.id],
    specs={"status": _STATUS},
    tag_type=PipelineRunResponse.tag_resource_type,
    # `is_unlisted` is a filter behind `include_unlisted`, not something to sort by.
    unsortable=frozenset({"status_message", "is_unlisted"}),
)

PIPELINE_LISTING = Listing(
    source=PIPELINES,
    selected=[PIPELINES],
    columns=_columns(PIPELINES, "id", "name", "description", "created", "updated"),
    id_column=PIPELINES.c.id,
    tiebreak=[PIPELINES.c.created, PIPELINES.c.name],
    tag_type=PipelineResponse.tag_resource_type,
    unsortable=frozenset({"description"}),
)

ARTIFACT_LISTING = Listing(
    source=ARTIFACTS,
    selected=[ARTIFACTS],
    columns=_columns(ARTIFACTS, "id", "name", "has_custom_name", "created"),
    id_column=ARTIFACTS.c.id,
    tiebreak=[ARTIFACTS.c.created, ARTIFACTS.c.name],
    tag_type=ArtifactResponse.tag_resource_type,
)

# A version's name as ZenML shows it: its custom name, else its number.
VERSION_STRING = func.coalesce(VERSIONS.c.version_name, cast(VERSIONS.c.version, String))

VERSION_LISTING = Listing(
    source=VERSIONS.join(ARTIFACTS, ARTIFACTS.c.id == VERSIONS.c.artifact_id),
    selected=[VERSIONS, ARTIFACTS.c.name.label("artifact_name")],
    columns={
        **_columns(
            VERSIONS,
            "id",
            "artifact_id",
            "uri",
            "type",
            "data_type",
            "materializer",
            "content_hash",
            "size",
            "producer_step_run_id",
            "created",
        ),
        "name": ARTIFACTS.c.name,
        "has_custom_name": ARTIFACTS.c.has_custom_name,
        "version": VERSION_STRING,
        "version_number": VERSIONS.c.version,
    },
    id_column=VERSIONS.c.id,
    tiebreak=[VERSIONS.c.created, ARTIFACTS.c.name, VERSIONS.c.version],
    specs={"type": FieldSpec.enum("type", ArtifactType)},
    tag_type=ArtifactVersionResponse.tag_resource_type,
    unsortable=frozenset({"uri", "content_hash", "version"}),
)

SNAPSHOT_LISTING = Listing(
    source=SNAPSHOTS.join(PIPELINES, PIPELINES.c.id == SNAPSHOTS.c.pipeline_id),
    selected=[SNAPSHOTS, PIPELINES.c.name.label("pipeline_name")],
    columns={
        **_columns(SNAPSHOTS, "id", "name", "description", "pipeline_id", "created"),
        "pipeline_name": PIPELINES.c.name,
    },
    id_column=SNAPSHOTS.c.id,
    tiebreak=[SNAPSHOTS.c.created, SNAPSHOTS.c.id],
    tag_type=SnapshotResponse.tag_resource_type,
    unsortable=frozenset({"description"}),
)

STEP_RUN_LISTING = Listing(
    source=STEP_RUNS,
    selected=[STEP_RUNS],
    columns={
        **_columns(
            STEP_RUNS,
            "id",
            "name",
            "step_name",
            "pipeline_run_id",
            "status",
            "start_time",
            "end_time",
            "created",
            "updated",
            "attempt",
            "cache_key",
            "original_step_run_id",
            "status_message",
        ),
        "code_hash": STEP_RUNS.c.source_code_hash,
    },
    id_column=STEP_RUNS.c.id,
    tiebreak=[STEP_RUNS.c.created, STEP_RUNS.c.id],
    specs={"status": _STATUS},
    unsortable=frozenset({"status_message"}),
)

COMPONENT_LISTING = Listing(
    source=STACK_COMPONENTS,
    selected=[STACK_COMPONENTS],
    columns=_columns(STACK_COMPONENTS, "id", "name", "type", "flavor", "created", "updated"),
    id_column=STACK_COMPONENTS.c.id,
    tiebreak=[STACK_COMPONENTS.c.type, STACK_COMPONENTS.c.name],
    specs={"type": FieldSpec.enum("type", StackComponentType)},
)

STACK_LISTING = Listing(
    source=STACKS,
    selected=[STACKS],
    columns=_columns(STACKS, "id", "name", "created", "updated"),
    id_column=STACKS.c.id,
    tiebreak=[STACKS.c.name],
)
