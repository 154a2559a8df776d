"""The metadata store's SQL schema (layer: store), as SQLAlchemy Core tables.

In the define -> compile -> orchestrate -> launch -> store -> read flow these tables are what
"store" writes and "read" queries: pipelines, snapshots, runs, step runs, artifacts, artifact
versions and the links between step runs and the artifact versions they read and wrote; and
the stacks (named sets of stack components) that runs run on. Plain Core `Table`s: the
store never uses the ORM, and not importing it saves a noticeable part of every process's
start (`stepwell` commands included).

The Alembic migrations in `migrations/versions/` are written by hand to match this module; a
test checks that autogenerate finds no difference between the two.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
    text,
)

from stepwell.store.utc import as_utc, utc_now  # noqa: F401 (the store's modules import both here)

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back as an aware UTC datetime.

    Naive datetimes given to the store are taken to be UTC already. SQLite has no time zone
    support, so there the value is stored without offset and the offset is added on reading.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        value = as_utc(value)
        if value is not None and dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return as_utc(value)


metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _id() -> Column[Any]:
    return Column("id", Uuid(), primary_key=True)


def _required(name: str, type_: Any, *args: Any, **kwargs: Any) -> Column[Any]:
    """A NOT NULL column."""
    return Column(name, type_, *args, nullable=False, **kwargs)


def _optional(name: str, type_: Any, *args: Any, **kwargs: Any) -> Column[Any]:
    """A nullable column."""
    return Column(name, type_, *args, nullable=True, **kwargs)


def _time(name: str, required: bool = True) -> Column[Any]:
    return (_required if required else _optional)(name, UTCDateTime())


# Partial unique indexes and their WHERE clause. PostgreSQL's copy of the clause is attached by
# `add_postgresql_options` when a PostgreSQL database is opened: naming `postgresql_where` here
# would import SQLAlchemy's PostgreSQL dialect (about 35 ms) into every process, SQLite's too.
_PARTIAL_INDEXES: list[tuple[Index, Any]] = []


def partial_unique_index(name: str, *columns: str, where: Any) -> Index:
    """A unique index over the rows that match `where` (on SQLite and PostgreSQL)."""
    index = Index(name, *columns, unique=True, sqlite_where=where)
    _PARTIAL_INDEXES.append((index, where))
    return index


def add_postgresql_options() -> None:
    """Give the partial indexes their PostgreSQL WHERE clause (idempotent; loads the dialect)."""
    for index, where in _PARTIAL_INDEXES:
        index.dialect_options["postgresql"]["where"] = where


# A pipeline name; every run of a pipeline with this name belongs to it.
PIPELINES = Table(
    "pipelines",
    metadata,
    _id(),
    _required("name", String(255), unique=True),
    _optional("description", Text()),
    _time("created"),
    _time("updated"),
)

# A compiled pipeline (spec) with its resolved configuration.
SNAPSHOTS = Table(
    "snapshots",
    metadata,
    _id(),
    _required("pipeline_id", Uuid(), ForeignKey("pipelines.id", ondelete="CASCADE"), index=True),
    _optional("name", String(255)),
    _optional("description", Text()),
    _required("spec", JSON()),
    _required("config", JSON()),
    _optional("source_root", Text()),
    _optional("code_uri", Text()),
    _time("created"),
    partial_unique_index(
        "uq_snapshots_pipeline_id_name", "pipeline_id", "name", where=text("name IS NOT NULL")
    ),
)

# One run of a pipeline.
RUNS = Table(
    "pipeline_runs",
    metadata,
    _id(),
    _required("name", String(255), unique=True),
    _optional("pipeline_id", Uuid(), ForeignKey("pipelines.id", ondelete="CASCADE")),
    _required("pipeline_name", String(255)),
    _optional("snapshot_id", Uuid(), ForeignKey("snapshots.id", ondelete="SET NULL")),
    _required("status", String(32)),
    _required("config", JSON()),
    _required("is_unlisted", Boolean()),
    _time("start_time", required=False),
    _time("end_time", required=False),
    _time("created"),
    _time("updated"),
    _optional("status_message", Text()),
    # The orchestrating process: pid, host and start token (see `stepwell.utils.processes`).
    _optional("orchestrator_pid", Integer()),
    _time("heartbeat", required=False),
    # No foreign key: SQLite cannot add one to an existing table without rebuilding it (and
    # rebuilding a table that step runs cascade from). Deleting a stack clears this column.
    _optional("stack_id", Uuid()),
    _optional("orchestrator_host", String(255)),
    _optional("orchestrator_start_token", String(128)),
    # When a stop was asked for that could not signal the orchestrator; read with heartbeats.
    _time("stop_requested_at", required=False),
    # The orchestrator's own heartbeat interval (seconds): readers judge liveness by it.
    _optional("heartbeat_interval", Float()),
    # The version of the pipeline's model this run made or used (see `model_tables`); no
    # foreign key for the reason given at `stack_id`: deleting the version clears it.
    _optional("model_version_id", Uuid()),
    # The schedule that started this run (see `platform_tables`), if one did.
    _optional("schedule_id", Uuid()),
    Index("ix_pipeline_runs_created", "created"),
    Index("ix_pipeline_runs_status", "status"),
    Index("ix_pipeline_runs_pipeline_name_created", "pipeline_name", "created"),
    Index("ix_pipeline_runs_pipeline_id", "pipeline_id"),
    Index("ix_pipeline_runs_snapshot_id", "snapshot_id"),
    Index("ix_pipeline_runs_stack_id", "stack_id"),
)

# One attempt at one step invocation of a run.
STEP_RUNS = Table(
    "step_runs",
    metadata,
    _id(),
    _required("pipeline_run_id", Uuid(), ForeignKey("pipeline_runs.id", ondelete="CASCADE")),
    _required("name", String(255)),
    _required("step_name", String(255)),
    _required("status", String(32)),
    _required("config", JSON()),
    _time("start_time", required=False),
    _time("end_time", required=False),
    _time("created"),
    _time("updated"),
    _required("attempt", Integer()),
    _optional("cache_key", String(255)),
    _required("cache_components", JSON()),
    _optional("original_step_run_id", Uuid(), ForeignKey("step_runs.id", ondelete="SET NULL")),
    _optional("source_code_hash", String(255)),
    _optional("logs_uri", Text()),
    _optional("exception", Text()),
    _optional("status_message", Text()),
    # The model version the step's outputs are linked to (its own model, else its pipeline's).
    _optional("model_version_id", Uuid()),
    Index("ix_step_runs_pipeline_run_id_name", "pipeline_run_id", "name"),
    Index("ix_step_runs_cache_key_status_created", "cache_key", "status", "created"),
    Index("ix_step_runs_original_step_run_id", "original_step_run_id"),
)

# An artifact name; its versions count up from 1.
ARTIFACTS = Table(
    "artifacts",
    metadata,
    _id(),
    _required("name", String(255), unique=True),
    _required("has_custom_name", Boolean()),
    _time("created"),
)

# One immutable version of an artifact and where its bytes are.
VERSIONS = Table(
    "artifact_versions",
    metadata,
    _id(),
    _required("artifact_id", Uuid(), ForeignKey("artifacts.id", ondelete="CASCADE")),
    _required("version", Integer()),
    _required("uri", Text()),
    _required("type", String(64)),
    _required("data_type", Text()),
    _required("materializer", Text()),
    _optional("content_hash", String(255)),
    _optional("size", BigInteger()),
    _optional("producer_step_run_id", Uuid(), ForeignKey("step_runs.id", ondelete="SET NULL")),
    _time("created"),
    _required("run_metadata", JSON()),
    # A custom version name (`ArtifactConfig(version="v2")`); None: the number is the name.
    _optional("version_name", String(255)),
    # [{"uri": ..., "type": "html" | "markdown" | "image" | "csv" | "json"}, ...]
    _optional("visualizations", JSON()),
    # "<algorithm>:<hex>" of the bytes, checked before they are deserialised.
    _optional("digest", String(160)),
    # How the bytes may be read (e.g. {"allow_pickle": true} for an object array): from the
    # record, never from a file beside the bytes.
    _optional("load_options", JSON()),
    UniqueConstraint("artifact_id", "version"),
    Index("ix_artifact_versions_producer_step_run_id", "producer_step_run_id"),
    Index("ix_artifact_versions_created", "created"),
    partial_unique_index(
        "uq_artifact_versions_artifact_id_version_name",
        "artifact_id",
        "version_name",
        where=text("version_name IS NOT NULL"),
    ),
)


def _link_table(name: str) -> Table:
    """Input or output `name` of a step run is these artifact versions, in `position` order."""
    return Table(
        name,
        metadata,
        Column(
            "step_run_id",
            Uuid(),
            ForeignKey("step_runs.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column("name", String(255), primary_key=True),
        Column("position", Integer(), primary_key=True),
        _required(
            "artifact_version_id", Uuid(), ForeignKey("artifact_versions.id", ondelete="CASCADE")
        ),
        Index(f"ix_{name}_artifact_version_id", "artifact_version_id"),
    )


STEP_INPUTS = _link_table("step_run_input_artifacts")
STEP_OUTPUTS = _link_table("step_run_output_artifacts")

# A configured orchestrator, artifact store, alerter, ...: its flavor and configuration.
STACK_COMPONENTS = Table(
    "stack_components",
    metadata,
    _id(),
    _required("name", String(255)),
    _required("type", String(64)),
    _required("flavor", String(255)),
    _required("configuration", JSON()),
    _time("created"),
    _time("updated"),
    UniqueConstraint("type", "name"),
)

# A named set of stack components, at most one of each type. `updated` also moves when a
# component of the stack changes: readers cache stacks by it.
STACKS = Table(
    "stacks",
    metadata,
    _id(),
    _required("name", String(255), unique=True),
    _time("created"),
    _time("updated"),
)

# Stack `stack_id` contains component `component_id` (which cannot go while it does).
STACK_COMPOSITION = Table(
    "stack_composition",
    metadata,
    Column("stack_id", Uuid(), ForeignKey("stacks.id", ondelete="CASCADE"), primary_key=True),
    Column("component_id", Uuid(), ForeignKey("stack_components.id"), primary_key=True),
    Index("ix_stack_composition_component_id", "component_id"),
)

# A tag: a name that runs, pipelines, artifacts, artifact versions and snapshots carry. An
# exclusive tag is on at most one resource of each type at a time.
TAGS = Table(
    "tags",
    metadata,
    _id(),
    _required("name", String(255), unique=True),
    _required("exclusive", Boolean()),
    _optional("color", String(32)),
    _time("created"),
    _time("updated"),
)

# Tag `tag_id` is on the resource (`resource_type`: pipeline_run, pipeline, artifact,
# artifact_version, snapshot, ...) with id `resource_id`. No foreign key to the resource:
# resources of several tables are tagged; deleting one deletes its links.
TAG_RESOURCES = Table(
    "tag_resources",
    metadata,
    Column("tag_id", Uuid(), ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    Column("resource_type", String(32), primary_key=True),
    Column("resource_id", Uuid(), primary_key=True),
    _time("created"),
    Index("ix_tag_resources_resource_type_resource_id", "resource_type", "resource_id"),
)

# Metadata logged on a resource (pipeline_run, step_run, artifact_version, ...): one row per
# value logged, with its type (`Uri`, `Path`, `DType`, `StorageSize` or a JSON type); the
# newest value of a key is the resource's.
RUN_METADATA = Table(
    "run_metadata",
    metadata,
    _id(),
    _required("resource_type", String(32)),
    _required("resource_id", Uuid()),
    _required("key", String(255)),
    _optional("value", JSON()),
    _required("type", String(64)),
    _optional("publisher_step_run_id", Uuid()),
    _time("created"),
    Index("ix_run_metadata_resource_type_resource_id", "resource_type", "resource_id"),
)

# Where a running step's outputs will go, recorded (with the step's start) before its worker
# writes any byte. Removed when the outputs are recorded; what is left after a run died
# names bytes that no artifact version points to (`prune_artifacts`, dead-run clean-up).
PENDING_OUTPUTS = Table(
    "pending_outputs",
    metadata,
    _id(),
    _required("pipeline_run_id", Uuid()),
    _optional("step_run_id", Uuid()),
    _required("uri", Text()),
    _time("created"),
    Index("ix_pending_outputs_pipeline_run_id", "pipeline_run_id"),
    Index("ix_pending_outputs_step_run_id", "step_run_id"),
)
