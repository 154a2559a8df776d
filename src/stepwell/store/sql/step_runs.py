"""Step runs in the SQL metadata store (layer: store): attempts, their artifacts, the cache.

In the define -> compile -> orchestrate -> launch -> store -> read flow the launcher records
each step attempt here (with the artifact versions it read and wrote) and asks for a cached
step run before running one; readers get a run's steps back in a constant number of queries.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from stepwell.config.step_config import StepConfig
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import EntityNotFoundError
from stepwell.store.models import StepRunResponse
from stepwell.store.sql.common import (
    SqlStoreBase,
    check_transition,
    integrity_error,
    to_status,
)
from stepwell.store.sql.conversions import as_uuid, step_run_response
from stepwell.store.sql.queries import add_links, load_links, resolve, versions_with_names
from stepwell.store.sql.tables import (
    PipelineRunTable,
    StepRunInputArtifactTable,
    StepRunOutputArtifactTable,
    StepRunTable,
    utc_now,
)


class StepRunMethods(SqlStoreBase):
    """The step-run half of `SqlStore`."""

    def _with_links(
        self, session: Session, rows: list[StepRunTable], step_filter: Any = None
    ) -> list[StepRunResponse]:
        """Responses for `rows` with inputs and outputs, loaded in one query.

        `step_filter` (a select of step run ids covering `rows`) replaces a long id list.
        """
        if not rows:
            return []
        if step_filter is None:
            step_filter = [row.id for row in rows]
        links = load_links(session, step_filter, self)
        responses = []
        for row in rows:
            inputs, outputs = links.get(row.id) or ({}, {})
            responses.append(step_run_response(row, self, inputs, outputs))
        return responses

    def create_step_run(
        self,
        *,
        pipeline_run_id: UUID,
        name: str,
        step_name: str,
        config: StepConfig,
        status: ExecutionStatus,
        inputs: dict[str, list[UUID]],
        start_time: datetime | None = None,
        end_time: datetime | None = None,
        attempt: int = 1,
        cache_key: str | None = None,
        cache_components: dict[str, str] | None = None,
        original_step_run_id: UUID | None = None,
        source_code_hash: str | None = None,
        logs_uri: str | None = None,
        outputs: dict[str, list[UUID]] | None = None,
        status_message: str | None = None,
    ) -> StepRunResponse:
        """Record one attempt of step invocation `name`, linked to its input artifact versions.

        `outputs` links output versions right away (a cached step run reuses its original's).
        """
        step_status = to_status(status)
        output_ids = outputs or {}

        def work(session: Session) -> StepRunResponse:
            wanted = [item for ids in (*inputs.values(), *output_ids.values()) for item in ids]
            versions = versions_with_names(session, wanted, self)
            now = utc_now()
            row = StepRunTable(
                id=uuid4(),
                pipeline_run_id=pipeline_run_id,
                name=name,
                step_name=step_name,
                status=step_status.value,
                config=config.model_dump(mode="json"),
                start_time=start_time,
                end_time=end_time,
                created=now,
                updated=now,
                attempt=attempt,
                cache_key=cache_key,
                cache_components=dict(cache_components or {}),
                original_step_run_id=original_step_run_id,
                source_code_hash=source_code_hash,
                logs_uri=logs_uri,
                exception=None,
                status_message=status_message,
            )
            session.add(row)
            session.flush()
            add_links(session, StepRunInputArtifactTable, row.id, inputs)
            add_links(session, StepRunOutputArtifactTable, row.id, output_ids)
            return step_run_response(
                row,
                self,
                {key: [versions[item] for item in ids] for key, ids in inputs.items()},
                {key: [versions[item] for item in ids] for key, ids in output_ids.items()},
                config,
            )

        try:
            return self._db.write(work)
        except IntegrityError as error:
            raise integrity_error(f"record step run '{name}'", error) from error

    def update_step_run(
        self,
        step_run_id: UUID,
        *,
        status: ExecutionStatus | None = None,
        end_time: datetime | None = None,
        outputs: dict[str, list[UUID]] | None = None,
        exception: str | None = None,
        status_message: str | None = None,
        cache_key: str | None = None,
        cache_components: dict[str, str] | None = None,
    ) -> StepRunResponse:
        """Change the given fields of a step run and link more output artifact versions."""
        new_status = to_status(status) if status is not None else None

        def work(session: Session) -> StepRunResponse:
            row = resolve(session, StepRunTable, as_uuid(step_run_id), "step run")
            if new_status is not None:
                check_transition("Step run", row.name, row.status, new_status)
                row.status = new_status.value
            if end_time is not None:
                row.end_time = end_time
            if exception is not None:
                row.exception = exception
            if status_message is not None:
                row.status_message = status_message
            if cache_key is not None:
                row.cache_key = cache_key
            if cache_components is not None:
                row.cache_components = dict(cache_components)
            row.updated = utc_now()
            session.flush()
            if outputs:
                link = StepRunOutputArtifactTable
                last = session.execute(
                    select(link.name, func.max(link.position))
                    .where(link.step_run_id == row.id, link.name.in_(list(outputs)))
                    .group_by(link.name)
                ).all()
                start = {output: position + 1 for output, position in last}
                add_links(session, link, row.id, outputs, start)
            (response,) = self._with_links(session, [row])
            return response

        try:
            return self._db.write(work)
        except IntegrityError as error:
            raise integrity_error(f"update step run {step_run_id}", error) from error

    def get_step_run(self, step_run_id: UUID) -> StepRunResponse:
        """One step run with its inputs and outputs."""
        with self._db.read() as session:
            row = resolve(session, StepRunTable, as_uuid(step_run_id), "step run")
            (response,) = self._with_links(session, [row])
        return response

    def get_run_steps(self, run_id: UUID) -> dict[str, StepRunResponse]:
        """The latest attempt of each step invocation of a run, by name, in creation order."""
        run_uuid = as_uuid(run_id)
        statement = (
            select(StepRunTable)
            .where(StepRunTable.pipeline_run_id == run_uuid)
            .order_by(StepRunTable.created, StepRunTable.attempt)
        )
        with self._db.read() as session:
            rows = session.scalars(statement).all()
            if not rows and session.get(PipelineRunTable, run_uuid) is None:
                raise EntityNotFoundError(f"No run with id {run_uuid} exists.")
            latest: dict[str, StepRunTable] = {}
            for row in rows:
                best = latest.get(row.name)
                if best is None or (row.attempt, row.created) >= (best.attempt, best.created):
                    latest[row.name] = row
            every_step = select(StepRunTable.id).where(StepRunTable.pipeline_run_id == run_uuid)
            responses = self._with_links(session, list(latest.values()), every_step)
        return {response.name: response for response in responses}

    def list_step_run_attempts(self, run_id: UUID, name: str) -> list[StepRunResponse]:
        """Every attempt of step invocation `name` in a run, oldest first."""
        statement = (
            select(StepRunTable)
            .where(StepRunTable.pipeline_run_id == as_uuid(run_id), StepRunTable.name == name)
            .order_by(StepRunTable.attempt, StepRunTable.created)
        )
        with self._db.read() as session:
            return self._with_links(session, list(session.scalars(statement).all()))

    def find_cached_step_run(self, cache_key: str) -> StepRunResponse | None:
        """The newest completed (not itself cached) step run with this cache key, if any."""
        statement = (
            select(StepRunTable)
            .where(
                StepRunTable.cache_key == cache_key,
                StepRunTable.status == ExecutionStatus.COMPLETED.value,
            )
            .order_by(StepRunTable.created.desc())
            .limit(1)
        )
        with self._db.read() as session:
            row = session.scalars(statement).first()
            if row is None:
                return None
            (response,) = self._with_links(session, [row])
        return response
