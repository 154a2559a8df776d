"""How many steps of each status some runs have (layer: store, the SQL side).

A list of runs (the dashboard's runs page, a CLI table) shows "cached / total steps" for a
page of runs. Loading those runs' step runs would cost as much as the runs are big; this
counts them in one grouped query on the `(pipeline_run_id, name)` index instead, so a page
of fifty 500-step runs answers with at most a few hundred small rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import func, select

from stepwell.enums import ExecutionStatus
from stepwell.exceptions import QueryError
from stepwell.store.row_conversions import as_uuid
from stepwell.store.sql.common import SqlStoreBase
from stepwell.store.sql.tables import STEP_RUNS

MAX_RUNS = 1000  # ids one call may ask about: a page of a list, never the whole store


class StepCountMethods(SqlStoreBase):
    """`count_run_steps`: the step counts half of a runs list."""

    def count_run_steps(self, run_ids: Sequence[UUID]) -> dict[UUID, dict[str, int]]:
        """Run id -> status -> how many of its steps are in that status.

        Each step counts once, by its latest attempt (earlier attempts are `retried` and
        left out). A run without step runs maps to `{}`; an unknown id is answered the same.
        """
        if len(run_ids) > MAX_RUNS:
            raise QueryError(
                f"count_run_steps takes at most {MAX_RUNS} run ids at once (got "
                f"{len(run_ids)}); ask for one page of runs at a time."
            )
        wanted = [as_uuid(run_id) for run_id in run_ids]
        counts: dict[UUID, dict[str, int]] = {run_id: {} for run_id in wanted}
        if not wanted:
            return counts
        query = (
            select(STEP_RUNS.c.pipeline_run_id, STEP_RUNS.c.status, func.count())
            .where(
                STEP_RUNS.c.pipeline_run_id.in_(wanted),
                STEP_RUNS.c.status != ExecutionStatus.RETRIED.value,
            )
            .group_by(STEP_RUNS.c.pipeline_run_id, STEP_RUNS.c.status)
        )
        with self._db.read() as connection:
            for run_id, status, number in connection.execute(query):
                counts[as_uuid(run_id)][str(status)] = int(number)
        return counts
