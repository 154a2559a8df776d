"""Heartbeats and dead runs in the SQL metadata store (layer: store), on the database's clock.

In the define -> compile -> orchestrate -> launch -> store -> read flow a running run's
orchestrator records heartbeats here, and readers (`stepwell.store.liveness`) fail a run
whose orchestrator went silent. Both take the time from the database (see `clock.py`), and a
run is judged by the heartbeat interval it recorded, never by the reader's own setting.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import Connection, bindparam, update

from stepwell.enums import ExecutionStatus
from stepwell.exceptions import EntityNotFoundError
from stepwell.store.liveness import missed_heartbeats
from stepwell.store.models import PipelineRunResponse
from stepwell.store.row_conversions import Row, as_uuid, run_response
from stepwell.store.sql.clock import database_now, read_database_time
from stepwell.store.sql.common import SqlStoreBase
from stepwell.store.sql.queries import by_id
from stepwell.store.sql.tables import RUNS, STEP_RUNS, utc_now
from stepwell.store.status_rules import to_status

_UNFINISHED = [status.value for status in ExecutionStatus if not status.is_finished]
_UPDATE_RUN = update(RUNS).where(RUNS.c.id == bindparam("b_id"))
_BEAT = _UPDATE_RUN.values(heartbeat=database_now())
_BEAT_RETURNING = _BEAT.returning(*RUNS.c)


class LivenessMethods(SqlStoreBase):
    """`record_heartbeat`, `database_time` and `fail_dead_run`, the part of `SqlStore` that
    keeps track of whether a run's orchestrator is alive."""

    # Set by a server when it starts (`count_silence_from`): runs could not reach it while
    # it was down, so no run's silence is counted from before then.
    _silence_counted_from: datetime | None = None

    def count_silence_from(self, started: datetime) -> None:
        """Judge no run silent for the time before `started` (the database's time when the
        server serving this store started): a restart must not fail healthy runs."""
        self._silence_counted_from = started

    def record_heartbeat(self, run_id: UUID) -> PipelineRunResponse:
        """Record that a run's orchestrator is alive, stamped with the database's time.

        One statement (`UPDATE ... RETURNING` where the database has it) that also returns
        the run as written, so the orchestrator reads a stop request at no extra cost."""

        def work(connection: Connection) -> Row:
            key = as_uuid(run_id)
            params = {"b_id": key, "updated": utc_now()}
            if connection.dialect.update_returning:
                updated = connection.execute(_BEAT_RETURNING, params).first()
                if updated is None:
                    raise EntityNotFoundError(f"No run with id {run_id} exists.")
                return updated._mapping
            connection.execute(_BEAT, params)
            return by_id(connection, RUNS, key, "run")

        return run_response(self._db.write(work), self._store())

    def database_time(self) -> datetime:
        """The database's current time (aware, UTC): the clock that liveness is judged by."""
        with self._db.read() as connection:
            return read_database_time(connection)

    def fail_dead_run(
        self, run_id: UUID, message: str, *, process_gone: bool = False
    ) -> PipelineRunResponse:
        """Mark a run whose orchestrator is gone as failed, with its unfinished step runs, in
        one transaction.

        The run is judged again under the write lock, on the database's clock and by the
        run's own heartbeat interval (see `stepwell.store.liveness`): a run that finished or
        beat in the meantime is returned unchanged, so a run that just completed is never
        failed. `process_gone`: its orchestrating process is known to have ended, so an
        unfinished run is failed whatever its last heartbeat.
        """

        def work(connection: Connection) -> Row:
            row = by_id(connection, RUNS, as_uuid(run_id), "run", lock=True)
            if to_status(row["status"]).is_finished:
                return row
            last_sign = row["heartbeat"] or row["start_time"] or row["created"]
            if self._silence_counted_from is not None:
                last_sign = max(last_sign, self._silence_counted_from)
            if not process_gone and not missed_heartbeats(
                last_sign, row["heartbeat_interval"], read_database_time(connection)
            ):
                return row
            now = utc_now()
            values = {
                "status": ExecutionStatus.FAILED.value,
                "end_time": now,
                "status_message": message,
                "updated": now,
            }
            connection.execute(_UPDATE_RUN, {"b_id": row["id"], **values})
            connection.execute(
                update(STEP_RUNS)
                .where(
                    STEP_RUNS.c.pipeline_run_id == row["id"],
                    STEP_RUNS.c.status.in_(_UNFINISHED),
                )
                .values(values)
            )
            return {**row, **values}

        return run_response(self._db.write(work), self._store())
