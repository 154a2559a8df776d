"""A run's step states, all of them or those changed since a moment (layer: store, SQL side).

The run page reads every step of a run once, then, while the run goes on, asks again only for
the step runs updated since the newest change it has seen: each answer holds the changes,
not the run. Two queries per call, both on the `(pipeline_run_id, name)` index: the step
runs, and the producers of their inputs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select

from stepwell.enums import ExecutionStatus
from stepwell.store.row_conversions import as_uuid
from stepwell.store.sql.common import SqlStoreBase
from stepwell.store.sql.queries import by_id
from stepwell.store.sql.tables import RUNS, STEP_INPUTS, STEP_RUNS, VERSIONS, as_utc
from stepwell.store.step_states import StepRunState

_COLUMNS = (
    STEP_RUNS.c.id,
    STEP_RUNS.c.name,
    STEP_RUNS.c.status,
    STEP_RUNS.c.attempt,
    STEP_RUNS.c.start_time,
    STEP_RUNS.c.end_time,
    STEP_RUNS.c.created,
    STEP_RUNS.c.updated,
    STEP_RUNS.c.original_step_run_id,
)


class StepStateMethods(SqlStoreBase):
    """`list_step_states`: a run's progress, in brief."""

    def list_step_states(
        self, run_id: UUID, updated_after: datetime | None = None
    ) -> list[StepRunState]:
        """The latest attempt of each step of the run, in creation order; with
        `updated_after`, only the steps whose record changed at or after that moment."""
        run_uuid = as_uuid(run_id)
        scope: list[Any] = [
            STEP_RUNS.c.pipeline_run_id == run_uuid,
            STEP_RUNS.c.status != ExecutionStatus.RETRIED.value,
        ]
        if updated_after is not None:
            scope.append(STEP_RUNS.c.updated >= as_utc(updated_after))
        steps = select(*_COLUMNS).where(*scope).order_by(STEP_RUNS.c.created, STEP_RUNS.c.attempt)
        producers = (
            select(STEP_INPUTS.c.step_run_id, VERSIONS.c.producer_step_run_id)
            .join(STEP_RUNS, STEP_RUNS.c.id == STEP_INPUTS.c.step_run_id)
            .join(VERSIONS, VERSIONS.c.id == STEP_INPUTS.c.artifact_version_id)
            .where(*scope, VERSIONS.c.producer_step_run_id.is_not(None))
        )
        with self._db.read() as connection:
            rows = connection.execute(steps).all()
            if not rows and updated_after is None:
                by_id(connection, RUNS, run_uuid, "run")  # an unknown run is an error
            # Producers keyed by step, deduplicated in order (a dict keeps insertion order).
            upstream: dict[Any, dict[Any, None]] = {}
            if rows:
                for step_id, producer in connection.execute(producers).all():
                    upstream.setdefault(step_id, {})[producer] = None
        latest: dict[str, Any] = {}  # name -> the row of its highest attempt
        for row in rows:
            seen = latest.get(row[1])
            if seen is None or seen[3] <= row[3]:
                latest[row[1]] = row
        status = ExecutionStatus
        return [
            StepRunState(
                id=step_id,
                name=name,
                status=status(state),
                attempt=attempt,
                start_time=start_time,
                end_time=end_time,
                created=created,
                updated=updated,
                original_step_run_id=original,
                upstream_step_run_ids=list(upstream.get(step_id, ())),
            )
            for (
                step_id,
                name,
                state,
                attempt,
                start_time,
                end_time,
                created,
                updated,
                original,
            ) in latest.values()
        ]
