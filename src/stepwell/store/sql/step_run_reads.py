"""Reading step runs from the SQL metadata store (layer: store): one, a run's, the cache.

Readers get a run's steps back in a constant number of queries (`_with_links` loads every
input and output link of a page of step runs at once); the launcher asks for a cached step
run here before running one. `step_runs.py` records them.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import Connection, bindparam, select

from stepwell.enums import ExecutionStatus
from stepwell.store.models import CacheHit, StepRunResponse
from stepwell.store.row_conversions import Row, as_uuid, latest_attempts, step_run_response
from stepwell.store.sql.common import SqlStoreBase
from stepwell.store.sql.queries import by_id, load_cache_hit, load_links
from stepwell.store.sql.tables import RUNS, STEP_INPUTS, STEP_RUNS

# Statements built once (see queries.py).
_OF_RUN = (
    select(STEP_RUNS)
    .where(STEP_RUNS.c.pipeline_run_id == bindparam("run_id"))
    .order_by(STEP_RUNS.c.created, STEP_RUNS.c.attempt)
)
_ATTEMPTS = (
    select(STEP_RUNS)
    .where(
        STEP_RUNS.c.pipeline_run_id == bindparam("run_id"),
        STEP_RUNS.c.name == bindparam("name"),
    )
    .order_by(STEP_RUNS.c.attempt, STEP_RUNS.c.created)
)

_PREVIOUS = (
    select(STEP_RUNS)
    .join(RUNS, RUNS.c.id == STEP_RUNS.c.pipeline_run_id)
    .where(
        RUNS.c.pipeline_name == bindparam("pipeline_name"),
        RUNS.c.id != bindparam("run_id"),
        STEP_RUNS.c.name == bindparam("name"),
        STEP_RUNS.c.status.in_([ExecutionStatus.COMPLETED.value, ExecutionStatus.CACHED.value]),
        STEP_RUNS.c.created < bindparam("before"),
    )
    .order_by(STEP_RUNS.c.created.desc())
    .limit(1)
)


class StepRunReadMethods(SqlStoreBase):
    """The reading part of the step-run half of `SqlStore`."""

    def _with_links(
        self, connection: Connection, rows: Sequence[Row], run_id: UUID | None = None
    ) -> list[StepRunResponse]:
        """Responses for `rows` with inputs and outputs, loaded in one query.

        `run_id` (the run all `rows` belong to) replaces a long list of step run ids.
        """
        if not rows:
            return []
        step_ids = [row["id"] for row in rows] if run_id is None else ()
        links = load_links(connection, self._store(), step_ids, run_id)
        responses = []
        for row in rows:
            inputs, outputs = links.get(row["id"]) or ({}, {})
            responses.append(step_run_response(row, self._store(), inputs, outputs))
        return responses

    def list_artifact_consumers(self, artifact_version_id: UUID) -> list[StepRunResponse]:
        """The step runs that took this artifact version as an input, oldest first."""
        query = (
            select(STEP_RUNS)
            .join(STEP_INPUTS, STEP_INPUTS.c.step_run_id == STEP_RUNS.c.id)
            .where(STEP_INPUTS.c.artifact_version_id == as_uuid(artifact_version_id))
            .order_by(STEP_RUNS.c.created)
            .distinct()
        )
        with self._db.read() as connection:
            rows = [row._mapping for row in connection.execute(query)]
            return self._with_links(connection, rows)

    def get_step_run(self, step_run_id: UUID) -> StepRunResponse:
        """One step run with its inputs and outputs."""
        with self._db.read() as connection:
            row = by_id(connection, STEP_RUNS, as_uuid(step_run_id), "step run")
            (response,) = self._with_links(connection, [row])
        return response

    def find_previous_step_run(self, step_run_id: UUID) -> StepRunResponse | None:
        """The same step invocation's newest successful (completed or cached) step run in an
        earlier run of the same pipeline: what this one could have reused from the cache."""
        with self._db.read() as connection:
            step = by_id(connection, STEP_RUNS, as_uuid(step_run_id), "step run")
            pipeline_name = connection.execute(
                select(RUNS.c.pipeline_name).where(RUNS.c.id == step["pipeline_run_id"])
            ).scalar_one()
            parameters = {
                "pipeline_name": pipeline_name,
                "name": step["name"],
                "run_id": step["pipeline_run_id"],
                "before": step["created"],
            }
            row = connection.execute(_PREVIOUS, parameters).first()
            if row is None:
                return None
            (response,) = self._with_links(connection, [row._mapping])
        return response

    def get_run_steps(self, run_id: UUID) -> dict[str, StepRunResponse]:
        """The latest attempt of each step invocation of a run, by name, in creation order."""
        run_uuid = as_uuid(run_id)
        with self._db.read() as connection:
            rows = [row._mapping for row in connection.execute(_OF_RUN, {"run_id": run_uuid})]
            if not rows:
                by_id(connection, RUNS, run_uuid, "run")  # an unknown run is an error
            responses = self._with_links(connection, latest_attempts(rows), run_uuid)
        return {response.name: response for response in responses}

    def list_step_run_attempts(self, run_id: UUID, name: str) -> list[StepRunResponse]:
        """Every attempt of step invocation `name` in a run, oldest first."""
        parameters = {"run_id": as_uuid(run_id), "name": name}
        with self._db.read() as connection:
            rows = [row._mapping for row in connection.execute(_ATTEMPTS, parameters)]
            return self._with_links(connection, rows)

    def find_cached_step_run(self, cache_key: str) -> CacheHit | None:
        """The newest step run with this cache key whose result may be reused, if any: one
        that computed it, or a cached one whose original's run was deleted. Its id, end time
        and outputs: what a cache hit reuses."""
        with self._db.read() as connection:
            return load_cache_hit(connection, self._store(), cache_key)
