"""How a run ends in the SQL metadata store (layer: store): the run and its step runs at once.

In the define -> compile -> orchestrate -> launch -> store -> read flow the run's driver
(`runs/execute.py`) records the run's end here. A run that fails or stops for any reason,
including a store error while recording one of its steps, leaves no step run `running`:
the run's status and that of its unfinished step runs change in one transaction, the way
`fail_dead_run` ends a run whose orchestrator died.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, bindparam, update

from stepwell.enums import ExecutionStatus
from stepwell.exceptions import StoreError
from stepwell.store.models import PipelineRunResponse
from stepwell.store.row_conversions import Row, as_uuid, run_response
from stepwell.store.sql.common import SqlStoreBase
from stepwell.store.sql.queries import by_id
from stepwell.store.sql.tables import RUNS, STEP_RUNS, as_utc, utc_now
from stepwell.store.status_rules import check_transition, to_status

_UNFINISHED = [status.value for status in ExecutionStatus if not status.is_finished]
_UPDATE_RUN = update(RUNS).where(RUNS.c.id == bindparam("b_id"))
_END_UNFINISHED_STEPS = (
    update(STEP_RUNS)
    .where(
        STEP_RUNS.c.pipeline_run_id == bindparam("b_id"),
        STEP_RUNS.c.status.in_(_UNFINISHED),
    )
    .values(
        status=bindparam("b_status"),
        end_time=bindparam("b_end_time"),
        updated=bindparam("b_updated"),
    )
)


class RunEndMethods(SqlStoreBase):
    """`end_run`, the part of `SqlStore` that records how a run ended."""

    def end_run(
        self,
        run_id: UUID,
        *,
        status: ExecutionStatus,
        end_time: datetime,
        status_message: str | None = None,
    ) -> PipelineRunResponse:
        """Record that a run ended with `status` (a finished one) and, when that is failed or
        stopped, end its unfinished step runs with the same status, in one transaction.

        A completed run keeps its step runs as they are: it has no unfinished one.
        """
        new_status = to_status(status)
        if not new_status.is_finished:
            raise StoreError(
                f"A run ends with a finished status (completed, failed, stopped...), "
                f"not {new_status.value}; use update_run to change a running run."
            )
        ended = as_utc(end_time)

        def work(connection: Connection) -> Row:
            row = by_id(connection, RUNS, as_uuid(run_id), "run", lock=True)
            check_transition("Run", row["name"], row["status"], new_status)
            now = utc_now()
            values: dict[str, Any] = {"status": new_status.value, "end_time": ended, "updated": now}
            if status_message is not None:
                values["status_message"] = status_message
            connection.execute(_UPDATE_RUN, {"b_id": row["id"], **values})
            if new_status.is_failed:
                connection.execute(
                    _END_UNFINISHED_STEPS,
                    {
                        "b_id": row["id"],
                        "b_status": new_status.value,
                        "b_end_time": ended,
                        "b_updated": now,
                    },
                )
            return {**row, **values}

        return run_response(self._db.write(work), self._store())
