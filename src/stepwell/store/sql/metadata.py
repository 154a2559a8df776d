"""Run metadata in the SQL metadata store (layer: store): logged values and reading them back.

Metadata logged on a run, a step run or an artifact version is one `run_metadata` row per
value, with the name of its type (see `stepwell.metadata.metadata_types`), so values come
back as the type they were logged as; a resource's metadata is the newest value of each key.
Written by `log_metadata` outside steps, and by the orchestrating process for metadata logged
inside a step (with the step's outputs, in their transaction); read lazily by the records'
`.run_metadata`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Table, bindparam, select
from sqlalchemy.exc import IntegrityError

from stepwell.enums import MetadataResourceTypes
from stepwell.exceptions import DeferredWriteError, MetadataError, StepwellError
from stepwell.metadata.metadata_types import decode_value, encode_metadata, resolve_metadata
from stepwell.steps.deferred_writes import (
    DeferredMetadata,
    DeferredModelLink,
    DeferredStage,
    DeferredTags,
    DeferredWrite,
    describe,
)
from stepwell.store.new_rows import metadata_rows
from stepwell.store.row_conversions import as_uuid
from stepwell.store.sql.common import SqlStoreBase
from stepwell.store.sql.model_links import link_to_model_version
from stepwell.store.sql.model_tables import MODEL_VERSIONS
from stepwell.store.sql.model_versions import move_stage
from stepwell.store.sql.queries import by_id
from stepwell.store.sql.tables import (
    RUN_METADATA,
    RUNS,
    STEP_RUNS,
    VERSIONS,
    utc_now,
)
from stepwell.store.sql.tag_links import attach_tags, detach_tags

RESOURCE_TABLES: dict[str, tuple[Table, str]] = {
    MetadataResourceTypes.PIPELINE_RUN.value: (RUNS, "run"),
    MetadataResourceTypes.STEP_RUN.value: (STEP_RUNS, "step run"),
    MetadataResourceTypes.ARTIFACT_VERSION.value: (VERSIONS, "artifact version"),
    MetadataResourceTypes.MODEL_VERSION.value: (MODEL_VERSIONS, "model version"),
}
_OF_RESOURCES = (
    select(
        RUN_METADATA.c.resource_id,
        RUN_METADATA.c.key,
        RUN_METADATA.c.value,
        RUN_METADATA.c.type,
        RUN_METADATA.c.created,
    )
    .where(
        RUN_METADATA.c.resource_type == bindparam("resource_type"),
        RUN_METADATA.c.resource_id.in_(bindparam("ids", expanding=True)),
    )
    .order_by(RUN_METADATA.c.created)
)


def _resource_type(resource_type: str) -> str:
    if resource_type not in RESOURCE_TABLES:
        known = ", ".join(RESOURCE_TABLES)
        raise MetadataError(
            f"Metadata cannot be logged on a {resource_type!r}; it can be on: {known}."
        )
    return resource_type


def insert_metadata(
    connection: Connection,
    resource_type: str,
    resource_id: UUID,
    metadata: Mapping[str, Any],
    publisher_step_run_id: UUID | None = None,
    created: datetime | None = None,
) -> None:
    """Write one row per value of `metadata` in the caller's transaction (values checked)."""
    rows = metadata_rows(
        resource_type, resource_id, metadata, publisher_step_run_id, created or utc_now()
    )
    if rows:
        connection.execute(RUN_METADATA.insert(), rows)


def load_metadata(
    connection: Connection, resource_type: str, ids: Sequence[UUID]
) -> dict[UUID, dict[str, Any]]:
    """Key -> value of each resource's metadata, newest value winning; one query."""
    if not ids:
        return {}
    parameters = {"resource_type": resource_type, "ids": list(ids)}
    entries: dict[UUID, list[tuple[str, Any, datetime]]] = {}
    for row in connection.execute(_OF_RESOURCES, parameters):
        value = decode_value(row.value, row.type)
        entries.setdefault(row.resource_id, []).append((row.key, value, row.created))
    return {resource_id: resolve_metadata(items) for resource_id, items in entries.items()}


def apply_deferred(connection: Connection, writes: Sequence[DeferredWrite]) -> None:
    """Write what a step logged on other resources, in order, in the caller's transaction.

    Later writes get later timestamps, so a key logged twice keeps its last value.
    """
    base = utc_now()
    for position, write in enumerate(writes):
        stamp = base + timedelta(microseconds=position)
        try:
            _apply_one(connection, write, stamp)
        except (IntegrityError, StepwellError) as error:
            # Raised inside the transaction: the caller's whole write rolls back.
            reason = getattr(error, "orig", None) or error
            raise DeferredWriteError(f"Cannot record {describe(write)}: {reason}") from error


def _apply_one(connection: Connection, write: DeferredWrite, stamp: datetime) -> None:
    if isinstance(write, DeferredMetadata):
        insert_metadata(
            connection,
            write.resource_type,
            write.resource_id,
            write.metadata,
            write.publisher_step_run_id,
            stamp,
        )
    elif isinstance(write, DeferredTags) and write.remove:
        detach_tags(connection, write.tags, write.resource_type, write.resource_id)
    elif isinstance(write, DeferredTags):
        # Checked where the step asked; a tag changed since then is taken as it is now.
        attach_tags(connection, write.tags, write.resource_type, write.resource_id, False)
    elif isinstance(write, DeferredModelLink):
        link_to_model_version(connection, write.model_version_id, list(write.artifact_version_ids))
    elif isinstance(write, DeferredStage):
        move_stage(connection, write.model_version_id, write.stage, write.force)


class MetadataMethods(SqlStoreBase):
    """The run-metadata part of `SqlStore`."""

    def create_run_metadata(
        self,
        *,
        resource_type: str,
        resource_id: UUID,
        metadata: Mapping[str, Any],
        publisher_step_run_id: UUID | None = None,
    ) -> None:
        """Log `metadata` on a run, step run or artifact version (which must exist)."""
        table, kind = RESOURCE_TABLES[_resource_type(str(resource_type))]
        encode_metadata(metadata)  # a bad value fails before any transaction starts

        def work(connection: Connection) -> None:
            row = by_id(connection, table, as_uuid(resource_id), kind)
            insert_metadata(
                connection, str(resource_type), row["id"], metadata, publisher_step_run_id
            )

        self._db.write(work)

    def get_run_metadata(
        self, resource_type: str, resource_ids: Sequence[UUID]
    ) -> dict[UUID, dict[str, Any]]:
        """Key -> newest value of the metadata of each resource, by id; one query."""
        with self._db.read() as connection:
            return load_metadata(connection, _resource_type(str(resource_type)), resource_ids)

    def record_deferred_writes(self, writes: Sequence[DeferredWrite]) -> None:
        """Write metadata and tags a step logged (a failed or stopped attempt's), at once."""
        if writes:
            self._db.write(lambda connection: apply_deferred(connection, writes))
