"""A snapshot's DAG, read from its stored spec (layer: store, SQL side).

One query of one column: the spec's JSON, turned into a `SnapshotGraph` without validating
the whole spec into models (the drawing needs its edges, not its configuration).
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select

from stepwell.exceptions import EntityNotFoundError
from stepwell.store.row_conversions import as_uuid
from stepwell.store.snapshot_graphs import SnapshotGraph, graph_of
from stepwell.store.sql.common import SqlStoreBase
from stepwell.store.sql.tables import SNAPSHOTS


class SnapshotGraphMethods(SqlStoreBase):
    """`get_snapshot_graph`: what a DAG drawing needs of a snapshot."""

    def get_snapshot_graph(self, snapshot_id: UUID) -> SnapshotGraph:
        """The invocations of the snapshot's spec with their data and `after=` edges."""
        snapshot_uuid = as_uuid(snapshot_id)
        with self._db.read() as connection:
            spec = connection.scalar(
                select(SNAPSHOTS.c.spec).where(SNAPSHOTS.c.id == snapshot_uuid)
            )
        if spec is None:
            raise EntityNotFoundError(f"No snapshot with id {snapshot_id} exists.")
        return graph_of(snapshot_uuid, spec)
