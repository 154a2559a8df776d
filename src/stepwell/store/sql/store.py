"""`SqlStore`: the metadata store on SQLite (default) or any SQLAlchemy database (layer: store).

In the define -> compile -> orchestrate -> launch -> store -> read flow the orchestrator and
step launchers record pipelines, snapshots, runs, step runs and artifact versions here, and
the Client, CLI and server read them back. This module holds the store itself plus pipelines,
snapshots and runs; step runs and artifacts live in `step_runs.py` and `artifacts.py`.
Each method is one short transaction with a handful of statements.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from stepwell.config.pipeline_config import PipelineConfig
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import DuplicateRunNameError, EntityExistsError, StoreError
from stepwell.store.models import PipelineResponse, PipelineRunResponse, SnapshotResponse
from stepwell.store.sql.artifacts import ArtifactMethods
from stepwell.store.sql.common import (
    check_transition,
    integrity_error,
    is_unique_violation,
    to_status,
)
from stepwell.store.sql.conversions import (
    as_uuid,
    pipeline_response,
    run_response,
    snapshot_response,
)
from stepwell.store.sql.engine import Database
from stepwell.store.sql.migrate import ensure_schema
from stepwell.store.sql.queries import check_page, delete_runs, resolve
from stepwell.store.sql.step_runs import StepRunMethods
from stepwell.store.sql.tables import (
    PipelineRunTable,
    PipelineTable,
    SnapshotTable,
    utc_now,
)

RUN_SORT_KEYS = ("created", "start_time", "end_time", "name", "status")


def _duplicate_run_name(name: str) -> DuplicateRunNameError:
    return DuplicateRunNameError(
        f"Run name '{name}' is already used by another run; pick another name or put "
        "{date}_{time} in run_name.",
        name=name,
    )


class SqlStore(StepRunMethods, ArtifactMethods):
    """The `Store` on a SQL database; `SqlStore(url)` migrates the database to the newest schema.

    `url` is any SQLAlchemy URL: `sqlite:///path/stepwell.db` (the folder is created) or
    `postgresql+psycopg://user@host/db`. Instances are thread-safe and survive `os.fork()`.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self._db = Database(url)
        try:
            ensure_schema(self._db)
        except BaseException:
            self._db.dispose()
            raise

    def __repr__(self) -> str:
        return f"SqlStore({self.url!r})"

    def close(self) -> None:
        """Close this process's pooled connections; the store reconnects if used again."""
        self._db.dispose()

    # -- pipelines ---------------------------------------------------------------------------
    def get_or_create_pipeline(self, name: str) -> PipelineResponse:
        """The pipeline called `name`, created on first use."""
        by_name = select(PipelineTable).where(PipelineTable.name == name)
        with self._db.read() as session:
            row = session.scalars(by_name).first()
        if row is not None:
            return pipeline_response(row, self)

        def work(session: Session) -> PipelineTable:
            existing = session.scalars(by_name).first()
            if existing is not None:
                return existing
            now = utc_now()
            created = PipelineTable(id=uuid4(), name=name, created=now, updated=now)
            session.add(created)
            return created

        try:
            row = self._db.write(work)
        except IntegrityError:  # another process created it at the same moment
            with self._db.read() as session:
                row = session.scalars(by_name).one()
        return pipeline_response(row, self)

    def get_pipeline(self, name_or_id: str | UUID) -> PipelineResponse:
        """A pipeline by name, id or unique id prefix."""
        with self._db.read() as session:
            row = resolve(session, PipelineTable, name_or_id, "pipeline", PipelineTable.name)
        return pipeline_response(row, self)

    def list_pipelines(
        self, *, name: str | None = None, page: int = 1, size: int = 50
    ) -> list[PipelineResponse]:
        """Pipelines, oldest first, optionally only the one called `name`."""
        statement = select(PipelineTable).order_by(PipelineTable.created, PipelineTable.name)
        if name is not None:
            statement = statement.where(PipelineTable.name == name)
        statement = statement.offset(check_page(page, size)).limit(size)
        with self._db.read() as session:
            rows = session.scalars(statement).all()
        return [pipeline_response(row, self) for row in rows]

    def delete_pipeline(self, name_or_id: str | UUID) -> None:
        """Delete a pipeline, its snapshots and its runs (with the rules of `delete_run`)."""

        def work(session: Session) -> None:
            row = resolve(session, PipelineTable, name_or_id, "pipeline", PipelineTable.name)
            runs = select(PipelineRunTable.id).where(
                or_(
                    PipelineRunTable.pipeline_id == row.id,
                    PipelineRunTable.pipeline_name == row.name,
                )
            )
            delete_runs(session, runs)
            options = {"synchronize_session": False}
            session.execute(
                delete(SnapshotTable).where(SnapshotTable.pipeline_id == row.id),
                execution_options=options,
            )
            session.execute(
                delete(PipelineTable).where(PipelineTable.id == row.id), execution_options=options
            )

        self._db.write(work)

    # -- snapshots ---------------------------------------------------------------------------
    def create_snapshot(
        self,
        *,
        pipeline_id: UUID,
        spec: dict[str, Any],
        config: dict[str, Any],
        name: str | None = None,
        description: str | None = None,
        source_root: str | None = None,
        code_uri: str | None = None,
    ) -> SnapshotResponse:
        """Record a compiled pipeline; `name`, if given, is unique within the pipeline."""

        def work(session: Session) -> tuple[SnapshotTable, str]:
            pipeline = resolve(session, PipelineTable, as_uuid(pipeline_id), "pipeline")
            if name is not None:
                taken = select(SnapshotTable.id).where(
                    SnapshotTable.pipeline_id == pipeline.id, SnapshotTable.name == name
                )
                if session.scalar(taken) is not None:
                    raise EntityExistsError(
                        f"Pipeline '{pipeline.name}' already has a snapshot named '{name}'."
                    )
            row = SnapshotTable(
                id=uuid4(),
                pipeline_id=pipeline.id,
                name=name,
                description=description,
                spec=spec,
                config=config,
                source_root=source_root,
                code_uri=code_uri,
                created=utc_now(),
            )
            session.add(row)
            return row, pipeline.name

        try:
            row, pipeline_name = self._db.write(work)
        except IntegrityError as error:
            if is_unique_violation(error):
                raise EntityExistsError(f"A snapshot named '{name}' already exists.") from error
            raise integrity_error("create the snapshot", error) from error
        return snapshot_response(row, pipeline_name, self)

    def get_snapshot(self, name_or_id: str | UUID) -> SnapshotResponse:
        """A snapshot by id, unique id prefix or (unambiguous) name."""
        with self._db.read() as session:
            row = resolve(session, SnapshotTable, name_or_id, "snapshot", SnapshotTable.name)
            pipeline_name = session.scalar(
                select(PipelineTable.name).where(PipelineTable.id == row.pipeline_id)
            )
        return snapshot_response(row, pipeline_name or "", self)

    # -- runs --------------------------------------------------------------------------------
    def create_run(
        self,
        *,
        name: str,
        pipeline_id: UUID | None,
        pipeline_name: str,
        snapshot_id: UUID | None,
        config: PipelineConfig,
        status: ExecutionStatus = ExecutionStatus.INITIALIZING,
        is_unlisted: bool = False,
        start_time: datetime | None = None,
        orchestrator_pid: int | None = None,
    ) -> PipelineRunResponse:
        """Record a new run; its name must be unused (DuplicateRunNameError otherwise)."""
        run_status = to_status(status)

        def work(session: Session) -> PipelineRunTable:
            taken = select(PipelineRunTable.id).where(PipelineRunTable.name == name)
            if session.scalar(taken) is not None:
                raise _duplicate_run_name(name)
            now = utc_now()
            row = PipelineRunTable(
                id=uuid4(),
                name=name,
                pipeline_id=pipeline_id,
                pipeline_name=pipeline_name,
                snapshot_id=snapshot_id,
                status=run_status.value,
                config=config.model_dump(mode="json"),
                is_unlisted=is_unlisted,
                start_time=start_time,
                end_time=None,
                created=now,
                updated=now,
                status_message=None,
                orchestrator_pid=orchestrator_pid,
                heartbeat=None,
            )
            session.add(row)
            return row

        try:
            row = self._db.write(work)
        except IntegrityError as error:
            if is_unique_violation(error):
                raise _duplicate_run_name(name) from error
            raise integrity_error(f"create run '{name}'", error) from error
        return run_response(row, self, config)

    def get_run(self, name_or_id: str | UUID) -> PipelineRunResponse:
        """A run by name, id or unique id prefix (4+ hex characters, dashes optional)."""
        with self._db.read() as session:
            row = resolve(session, PipelineRunTable, name_or_id, "run", PipelineRunTable.name)
        return run_response(row, self)

    def list_runs(
        self,
        *,
        pipeline: str | None = None,
        status: ExecutionStatus | str | None = None,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        include_unlisted: bool = True,
        sort_by: str = "created",
        descending: bool = True,
        page: int = 1,
        size: int = 50,
    ) -> list[PipelineRunResponse]:
        """Runs matching every given filter, sorted by `sort_by`, one page of `size`."""
        if sort_by not in RUN_SORT_KEYS:
            raise StoreError(
                f"Cannot sort runs by {sort_by!r}; use one of: {', '.join(RUN_SORT_KEYS)}."
            )
        offset = check_page(page, size)
        run = PipelineRunTable
        statement = select(run)
        if pipeline is not None:
            statement = statement.where(run.pipeline_name == pipeline)
        if status is not None:
            statement = statement.where(run.status == to_status(status).value)
        if created_after is not None:
            statement = statement.where(run.created > created_after)
        if created_before is not None:
            statement = statement.where(run.created < created_before)
        if not include_unlisted:
            statement = statement.where(run.is_unlisted.is_(False))
        columns = [getattr(run, sort_by), run.created, run.id][1 if sort_by == "created" else 0 :]
        order = [column.desc() if descending else column.asc() for column in columns]
        if sort_by in ("start_time", "end_time"):
            order[0] = order[0].nulls_last()
        statement = statement.order_by(*order)
        with self._db.read() as session:
            rows = session.scalars(statement.offset(offset).limit(size)).all()
        return [run_response(row, self) for row in rows]

    def update_run(
        self,
        run_id: UUID,
        *,
        status: ExecutionStatus | None = None,
        start_time: datetime | None = None,
        end_time: datetime | None = None,
        status_message: str | None = None,
        heartbeat: datetime | None = None,
    ) -> PipelineRunResponse:
        """Change the given fields of a run; a finished status cannot go back (StoreError)."""
        new_status = to_status(status) if status is not None else None

        def work(session: Session) -> PipelineRunTable:
            row = resolve(session, PipelineRunTable, as_uuid(run_id), "run")
            if new_status is not None:
                check_transition("Run", row.name, row.status, new_status)
                row.status = new_status.value
            if start_time is not None:
                row.start_time = start_time
            if end_time is not None:
                row.end_time = end_time
            if status_message is not None:
                row.status_message = status_message
            if heartbeat is not None:
                row.heartbeat = heartbeat
            row.updated = utc_now()
            return row

        return run_response(self._db.write(work), self)

    def delete_run(self, run_id: UUID) -> list[str]:
        """Delete a run and its step runs, plus the artifact versions nothing else uses.

        Returns the URIs of the deleted artifact versions and of the step runs' logs, for the
        caller to remove from the artifact store.
        """

        def work(session: Session) -> list[str]:
            row = resolve(session, PipelineRunTable, as_uuid(run_id), "run")
            return delete_runs(session, select(PipelineRunTable.id).where(PipelineRunTable.id == row.id))

        return self._db.write(work)
