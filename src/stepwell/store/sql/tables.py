"""The metadata store's SQL schema (layer: store), as SQLAlchemy 2 declarative tables.

In the define -> compile -> orchestrate -> launch -> store -> read flow these tables are what
"store" writes and "read" queries: pipelines, snapshots, runs, step runs, artifacts, artifact
versions and the links between step runs and the artifact versions they read and wrote; and
the stacks (named sets of stack components) that runs run on. The
declarative classes define the schema; the store queries their Core `Table`s (PIPELINES, ...).

The Alembic migrations in `migrations/versions/` are written by hand to match this module; a
test checks that autogenerate finds no difference between the two.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
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
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_now() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(timezone.utc)


def as_utc(value: datetime | None) -> datetime | None:
    """`value` as an aware UTC datetime; a naive one is taken to be UTC already."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


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


class Base(DeclarativeBase):
    """Declarative base of every stepwell table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: UTCDateTime(),
        uuid.UUID: Uuid(),
        dict[str, Any]: JSON(),
    }


class PipelineTable(Base):
    """A pipeline name; every run of a pipeline with this name belongs to it."""

    __tablename__ = "pipelines"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    created: Mapped[datetime]
    updated: Mapped[datetime]


class SnapshotTable(Base):
    """A compiled pipeline (spec) with its resolved configuration."""

    __tablename__ = "snapshots"
    __table_args__ = (
        Index(
            "uq_snapshots_pipeline_id_name",
            "pipeline_id",
            "name",
            unique=True,
            sqlite_where=text("name IS NOT NULL"),
            postgresql_where=text("name IS NOT NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    pipeline_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("pipelines.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    spec: Mapped[dict[str, Any]]
    config: Mapped[dict[str, Any]]
    source_root: Mapped[str | None] = mapped_column(Text)
    code_uri: Mapped[str | None] = mapped_column(Text)
    created: Mapped[datetime]


class PipelineRunTable(Base):
    """One run of a pipeline."""

    __tablename__ = "pipeline_runs"
    __table_args__ = (
        Index("ix_pipeline_runs_created", "created"),
        Index("ix_pipeline_runs_status", "status"),
        Index("ix_pipeline_runs_pipeline_name_created", "pipeline_name", "created"),
        Index("ix_pipeline_runs_pipeline_id", "pipeline_id"),
        Index("ix_pipeline_runs_snapshot_id", "snapshot_id"),
        Index("ix_pipeline_runs_stack_id", "stack_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    pipeline_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("pipelines.id", ondelete="CASCADE")
    )
    pipeline_name: Mapped[str] = mapped_column(String(255))
    snapshot_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("snapshots.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(32))
    config: Mapped[dict[str, Any]]
    is_unlisted: Mapped[bool] = mapped_column(Boolean)
    start_time: Mapped[datetime | None]
    end_time: Mapped[datetime | None]
    created: Mapped[datetime]
    updated: Mapped[datetime]
    status_message: Mapped[str | None] = mapped_column(Text)
    orchestrator_pid: Mapped[int | None] = mapped_column(Integer)
    heartbeat: Mapped[datetime | None]
    # No foreign key: SQLite cannot add one to an existing table without rebuilding it (and
    # rebuilding a table that step runs cascade from). Deleting a stack clears this column.
    stack_id: Mapped[uuid.UUID | None]


class StepRunTable(Base):
    """One attempt at one step invocation of a run."""

    __tablename__ = "step_runs"
    __table_args__ = (
        Index("ix_step_runs_pipeline_run_id_name", "pipeline_run_id", "name"),
        Index("ix_step_runs_cache_key_status_created", "cache_key", "status", "created"),
        Index("ix_step_runs_original_step_run_id", "original_step_run_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    pipeline_run_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("pipeline_runs.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(255))
    step_name: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(32))
    config: Mapped[dict[str, Any]]
    start_time: Mapped[datetime | None]
    end_time: Mapped[datetime | None]
    created: Mapped[datetime]
    updated: Mapped[datetime]
    attempt: Mapped[int] = mapped_column(Integer)
    cache_key: Mapped[str | None] = mapped_column(String(255))
    cache_components: Mapped[dict[str, Any]]
    original_step_run_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("step_runs.id", ondelete="SET NULL")
    )
    source_code_hash: Mapped[str | None] = mapped_column(String(255))
    logs_uri: Mapped[str | None] = mapped_column(Text)
    exception: Mapped[str | None] = mapped_column(Text)
    status_message: Mapped[str | None] = mapped_column(Text)


class ArtifactTable(Base):
    """An artifact name; its versions count up from 1."""

    __tablename__ = "artifacts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    has_custom_name: Mapped[bool] = mapped_column(Boolean)
    created: Mapped[datetime]


class ArtifactVersionTable(Base):
    """One immutable version of an artifact and where its bytes are."""

    __tablename__ = "artifact_versions"
    __table_args__ = (
        UniqueConstraint("artifact_id", "version"),
        Index("ix_artifact_versions_producer_step_run_id", "producer_step_run_id"),
        Index("ix_artifact_versions_created", "created"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    artifact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("artifacts.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    uri: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(64))
    data_type: Mapped[str] = mapped_column(Text)
    materializer: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str | None] = mapped_column(String(255))
    size: Mapped[int | None] = mapped_column(BigInteger)
    producer_step_run_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("step_runs.id", ondelete="SET NULL")
    )
    created: Mapped[datetime]
    run_metadata: Mapped[dict[str, Any]]


class StepRunInputArtifactTable(Base):
    """Input `name` of a step run read these artifact versions, in `position` order."""

    __tablename__ = "step_run_input_artifacts"
    __table_args__ = (
        Index("ix_step_run_input_artifacts_artifact_version_id", "artifact_version_id"),
    )

    step_run_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("step_runs.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    artifact_version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("artifact_versions.id", ondelete="CASCADE")
    )


class StepRunOutputArtifactTable(Base):
    """Output `name` of a step run is these artifact versions, in `position` order."""

    __tablename__ = "step_run_output_artifacts"
    __table_args__ = (
        Index("ix_step_run_output_artifacts_artifact_version_id", "artifact_version_id"),
    )

    step_run_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("step_runs.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    artifact_version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("artifact_versions.id", ondelete="CASCADE")
    )


class StackComponentTable(Base):
    """A configured orchestrator, artifact store, alerter, ...: its flavor and configuration."""

    __tablename__ = "stack_components"
    __table_args__ = (UniqueConstraint("type", "name"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    type: Mapped[str] = mapped_column(String(64))
    flavor: Mapped[str] = mapped_column(String(255))
    configuration: Mapped[dict[str, Any]]
    created: Mapped[datetime]
    updated: Mapped[datetime]


class StackTable(Base):
    """A named set of stack components, at most one of each type."""

    __tablename__ = "stacks"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    created: Mapped[datetime]
    # Also moves when a component of the stack changes: readers cache stacks by it.
    updated: Mapped[datetime]


class StackCompositionTable(Base):
    """Stack `stack_id` contains component `component_id` (which cannot go while it does)."""

    __tablename__ = "stack_composition"
    __table_args__ = (Index("ix_stack_composition_component_id", "component_id"),)

    stack_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("stacks.id", ondelete="CASCADE"), primary_key=True
    )
    component_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("stack_components.id"), primary_key=True
    )


metadata = Base.metadata

# The Core tables, for the store's queries (Core statements skip the ORM's per-row overhead).
PIPELINES = cast(Table, PipelineTable.__table__)
SNAPSHOTS = cast(Table, SnapshotTable.__table__)
RUNS = cast(Table, PipelineRunTable.__table__)
STEP_RUNS = cast(Table, StepRunTable.__table__)
ARTIFACTS = cast(Table, ArtifactTable.__table__)
VERSIONS = cast(Table, ArtifactVersionTable.__table__)
STEP_INPUTS = cast(Table, StepRunInputArtifactTable.__table__)
STEP_OUTPUTS = cast(Table, StepRunOutputArtifactTable.__table__)
STACK_COMPONENTS = cast(Table, StackComponentTable.__table__)
STACKS = cast(Table, StackTable.__table__)
STACK_COMPOSITION = cast(Table, StackCompositionTable.__table__)
