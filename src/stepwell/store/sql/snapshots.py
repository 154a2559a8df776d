"""Listing, renaming and deleting snapshots (layer: store; the `SqlStore` mixin for them).

Snapshot names are unique within a pipeline. Deleting a snapshot keeps the runs made from it
(their `snapshot_id` becomes empty).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Connection, delete, update
from sqlalchemy.exc import IntegrityError

from stepwell.exceptions import EntityExistsError
from stepwell.store.models import SnapshotResponse
from stepwell.store.sql.common import SqlStoreBase, integrity_error, is_unique_violation
from stepwell.store.sql.forget import forget_resources
from stepwell.store.sql.tables import SNAPSHOTS


class SnapshotMethods(SqlStoreBase):
    """The snapshot-listing half of `SqlStore`."""

    def update_snapshot(
        self,
        snapshot_id: UUID,
        *,
        name: str | None = None,
        description: str | None = None,
        spec: dict[str, Any] | None = None,
    ) -> SnapshotResponse:
        """Rename a snapshot, change its description, or (dynamic runs) record its final spec."""
        values: dict[str, Any] = {}
        if name is not None:
            values["name"] = name
        if description is not None:
            values["description"] = description
        if spec is not None:
            values["spec"] = spec

        def work(connection: Connection) -> None:
            if values:
                connection.execute(
                    update(SNAPSHOTS).where(SNAPSHOTS.c.id == snapshot_id).values(**values)
                )

        try:
            self._db.write(work)
        except IntegrityError as error:
            if is_unique_violation(error):
                raise EntityExistsError(
                    f"The pipeline already has a snapshot named '{name}'; pick another name."
                ) from error
            raise integrity_error("update the snapshot", error) from error
        return self._store().get_snapshot(snapshot_id)

    def delete_snapshot(self, snapshot_id: UUID) -> None:
        """Delete a snapshot; runs made from it are kept."""

        def work(connection: Connection) -> None:
            forget_resources(connection, "pipeline_snapshot", [snapshot_id])
            connection.execute(delete(SNAPSHOTS).where(SNAPSHOTS.c.id == snapshot_id))

        self._db.write(work)
