"""Write-ahead records of artifact bytes about to be written (layer: store).

Before a step's worker writes anything, the orchestrating process records where the step's
outputs will go (`pending_outputs`), in the transaction that marks the step running. The
rows go in the transaction that records the outputs as artifact versions, or after the
attempt's bytes are removed when it fails. A row that outlives its run (the orchestrator was
killed) says exactly which bytes no record will ever point to, so they can be removed
without guessing (`store/pending.py`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from uuid import UUID

from sqlalchemy import Connection, bindparam, delete, exists, select

from stepwell.enums import ExecutionStatus
from stepwell.store.new_rows import pending_rows
from stepwell.store.pending import PendingOutput
from stepwell.store.row_conversions import as_uuid
from stepwell.store.sql.common import SqlStoreBase
from stepwell.store.sql.tables import PENDING_OUTPUTS, RUNS, VERSIONS

_CHUNK = 500
_FINISHED = [status.value for status in ExecutionStatus if status.is_finished]


def insert_pending(
    connection: Connection, run_id: UUID, step_run_id: UUID, uris: Iterable[str]
) -> None:
    """Record `uris` as about to be written by step run `step_run_id` (inside its transaction)."""
    rows = pending_rows(run_id, step_run_id, uris)
    if rows:
        connection.execute(PENDING_OUTPUTS.insert(), rows)


# Built once: this runs for every step that ends, and building the clause costs more than
# executing it.
_RELEASE = delete(PENDING_OUTPUTS).where(
    PENDING_OUTPUTS.c.step_run_id == bindparam("b_step_run_id")
)


def release_pending(connection: Connection, step_run_id: UUID) -> None:
    """Forget a step run's pending locations: its outputs are recorded (same transaction)."""
    connection.execute(_RELEASE, {"b_step_run_id": step_run_id})


class PendingOutputMethods(SqlStoreBase):
    """Listing and deleting write-ahead records of artifact bytes."""

    def list_pending_outputs(
        self,
        *,
        run_id: UUID | None = None,
        step_run_id: UUID | None = None,
        finished_runs_only: bool = False,
    ) -> list[PendingOutput]:
        """Pending output locations, oldest first; `finished_runs_only` keeps those of runs
        that have ended (or were deleted), whose bytes no step will ever record."""
        recorded = exists().where(VERSIONS.c.uri == PENDING_OUTPUTS.c.uri)
        query = (
            select(PENDING_OUTPUTS, recorded.label("recorded"))
            .outerjoin(RUNS, RUNS.c.id == PENDING_OUTPUTS.c.pipeline_run_id)
            .order_by(PENDING_OUTPUTS.c.created)
        )
        if run_id is not None:
            query = query.where(PENDING_OUTPUTS.c.pipeline_run_id == as_uuid(run_id))
        if step_run_id is not None:
            query = query.where(PENDING_OUTPUTS.c.step_run_id == as_uuid(step_run_id))
        if finished_runs_only:
            query = query.where(RUNS.c.id.is_(None) | RUNS.c.status.in_(_FINISHED))
        with self._db.read() as connection:
            return [
                PendingOutput(
                    id=row.id,
                    pipeline_run_id=row.pipeline_run_id,
                    step_run_id=row.step_run_id,
                    uri=row.uri,
                    created=row.created,
                    recorded=bool(row.recorded),
                )
                for row in connection.execute(query)
            ]

    def delete_pending_outputs(self, ids: Sequence[UUID]) -> None:
        """Delete write-ahead records by id (their bytes are gone or were recorded)."""
        chunks = [list(ids[start : start + _CHUNK]) for start in range(0, len(ids), _CHUNK)]
        if not chunks:
            return

        def work(connection: Connection) -> None:
            for chunk in chunks:
                connection.execute(delete(PENDING_OUTPUTS).where(PENDING_OUTPUTS.c.id.in_(chunk)))

        self._db.write(work)
