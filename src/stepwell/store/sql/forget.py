"""Forget the tags and metadata of deleted resources (layer: store).

Tag links and metadata rows point at runs, step runs, pipelines, artifacts, artifact
versions and snapshots without a foreign key (they point into several tables), so whatever
deletes one of those calls this in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Select, delete

from stepwell.store.sql.tables import RUN_METADATA, TAG_RESOURCES

_CHUNK = 500


def forget_resources(
    connection: Connection, resource_type: str, ids: Sequence[UUID] | Select[Any]
) -> None:
    """Delete the tag links and metadata rows of these resources (ids, or a select of ids)."""
    if isinstance(ids, Select):
        chunks: list[Any] = [ids]
    else:
        listed = list(ids)
        chunks = [listed[start : start + _CHUNK] for start in range(0, len(listed), _CHUNK)]
    for chunk in chunks:
        for table in (TAG_RESOURCES, RUN_METADATA):
            connection.execute(
                delete(table).where(
                    table.c.resource_type == resource_type, table.c.resource_id.in_(chunk)
                )
            )
