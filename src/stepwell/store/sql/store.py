"""`SqlStore`: the metadata store on SQLite (default) or any SQLAlchemy database (layer: store).

In the define -> compile -> orchestrate -> launch -> store -> read flow the orchestrator and
step launchers record pipelines, snapshots, runs, step runs and artifact versions here, and
the Client, CLI and server read them back. This module holds the store itself plus pipelines,
snapshots and runs; step runs, artifacts and stacks live in `step_runs.py`, `artifacts.py`
and `stacks.py`.
Each method is one short transaction with a handful of statements.
"""

from __future__ import annotations

import weakref
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Connection, bindparam, delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from stepwell.config.pipeline_config import PipelineConfig
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import (
    DuplicateRunNameError,
    EntityExistsError,
    EntityNotFoundError,
)
from stepwell.store.models import PipelineResponse, PipelineRunResponse, SnapshotResponse
from stepwell.store.new_rows import run_row
from stepwell.store.row_conversions import (
    Row,
    as_uuid,
    pipeline_response,
    run_response,
    snapshot_response,
)
from stepwell.store.sql.artifact_admin import ArtifactAdminMethods
from stepwell.store.sql.artifacts import ArtifactMethods
from stepwell.store.sql.common import (
    integrity_error,
    is_unique_violation,
)
from stepwell.store.sql.engine import Database
from stepwell.store.sql.forget import forget_resources
from stepwell.store.sql.lists import ListMethods
from stepwell.store.sql.liveness import LivenessMethods
from stepwell.store.sql.metadata import MetadataMethods
from stepwell.store.sql.migrate import ensure_schema
from stepwell.store.sql.model_store import ModelMethods
from stepwell.store.sql.model_version_store import ModelVersionMethods
from stepwell.store.sql.pending import PendingOutputMethods
from stepwell.store.sql.queries import by_id, resolve
from stepwell.store.sql.run_deletion import delete_runs
from stepwell.store.sql.run_ends import RunEndMethods
from stepwell.store.sql.schedules import ScheduleMethods
from stepwell.store.sql.secrets import SecretMethods
from stepwell.store.sql.snapshot_graphs import SnapshotGraphMethods
from stepwell.store.sql.snapshots import SnapshotMethods
from stepwell.store.sql.stacks import StackMethods
from stepwell.store.sql.step_counts import StepCountMethods
from stepwell.store.sql.step_runs import StepRunMethods
from stepwell.store.sql.step_states import StepStateMethods
from stepwell.store.sql.tables import PIPELINES, RUNS, SNAPSHOTS, as_utc, utc_now
from stepwell.store.sql.tags import TagMethods
from stepwell.store.sql.users import UserMethods
from stepwell.store.status_rules import check_transition, to_status
from stepwell.utils.redact import masked_url

# Statements built once (see queries.py).
_PIPELINE_BY_NAME = select(PIPELINES).where(PIPELINES.c.name == bindparam("name"))
_INSERT_RUN = RUNS.insert()
_UPDATE_RUN = update(RUNS).where(RUNS.c.id == bindparam("b_id"))
_UPDATE_RUN_RETURNING = _UPDATE_RUN.returning(*RUNS.c)


def _duplicate_run_name(name: str) -> DuplicateRunNameError:
    return DuplicateRunNameError(
        f"Run name '{name}' is already used by another run; pick another name or put "
        "{date}_{time} in run_name.",
        name=name,
    )


_REOPENED: dict[str, SqlStore] = {}
# Every store still in use, by URL: a forked worker inherits its parent's, so the records it
# is sent bind to that one instead of opening the database again (about 5 ms a worker).
_OPEN: weakref.WeakValueDictionary[str, SqlStore] = weakref.WeakValueDictionary()


def _reopen(url: str) -> SqlStore:
    """The store for `url` that unpickled records bind to: one per URL in each process."""
    store = _OPEN.get(url) or _REOPENED.get(url)
    if store is None:
        store = _REOPENED[url] = SqlStore(url)
    return store


class SqlStore(
    ListMethods,
    RunEndMethods,
    LivenessMethods,
    StepRunMethods,
    StepCountMethods,
    StepStateMethods,
    PendingOutputMethods,
    ArtifactMethods,
    ArtifactAdminMethods,
    StackMethods,
    SnapshotMethods,
    SnapshotGraphMethods,
    TagMethods,
    MetadataMethods,
    ModelMethods,
    ModelVersionMethods,
    UserMethods,
    SecretMethods,
    ScheduleMethods,
):
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
        _OPEN[url] = self

    def __repr__(self) -> str:
        return f"SqlStore({masked_url(self.url)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled (e.g. with a response bound to it) as its URL; reopened once per process.
        return (_reopen, (self.url,))

    def close(self) -> None:
        """Close this process's pooled connections; the store reconnects if used again."""
        self._db.dispose()

    # -- pipelines ---------------------------------------------------------------------------
    def get_or_create_pipeline(self, name: str) -> PipelineResponse:
        """The pipeline called `name`, created on first use."""
        with self._db.read() as connection:
            row = connection.execute(_PIPELINE_BY_NAME, {"name": name}).first()
        if row is not None:
            return pipeline_response(row._mapping, self._store())

        def work(connection: Connection) -> Row:
            existing = connection.execute(_PIPELINE_BY_NAME, {"name": name}).first()
            if existing is not None:
                return existing._mapping
            now = utc_now()
            values = {"id": uuid4(), "name": name, "description": None}
            values.update(created=now, updated=now)
            connection.execute(PIPELINES.insert(), values)
            return values

        try:
            created = self._db.write(work)
        except IntegrityError:  # another process created it at the same moment
            with self._db.read() as connection:
                created = connection.execute(_PIPELINE_BY_NAME, {"name": name}).one()._mapping
        return pipeline_response(created, self._store())

    def get_pipeline(self, name_or_id: str | UUID) -> PipelineResponse:
        """A pipeline by name, id or unique id prefix."""
        with self._db.read() as connection:
            row = resolve(connection, PIPELINES, name_or_id, "pipeline")
        return pipeline_response(row, self._store())

    def delete_pipeline(self, name_or_id: str | UUID) -> None:
        """Delete a pipeline, its snapshots and its runs (with the rules of `delete_run`)."""

        def work(connection: Connection) -> None:
            row = resolve(connection, PIPELINES, name_or_id, "pipeline")
            runs = select(RUNS.c.id).where(
                or_(RUNS.c.pipeline_id == row["id"], RUNS.c.pipeline_name == row["name"])
            )
            delete_runs(connection, runs)
            snapshots = select(SNAPSHOTS.c.id).where(SNAPSHOTS.c.pipeline_id == row["id"])
            forget_resources(connection, "pipeline_snapshot", snapshots)
            forget_resources(connection, "pipeline", [row["id"]])
            connection.execute(delete(SNAPSHOTS).where(SNAPSHOTS.c.pipeline_id == row["id"]))
            connection.execute(delete(PIPELINES).where(PIPELINES.c.id == row["id"]))

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
        id: UUID | None = None,
    ) -> SnapshotResponse:
        """Record a compiled pipeline; `name`, if given, is unique within the pipeline.

        `id`: the new snapshot's id, chosen by the caller so that it may repeat the call (a
        repeat returns the snapshot the first call made)."""

        def work(connection: Connection) -> tuple[Row, str]:
            pipeline = by_id(connection, PIPELINES, as_uuid(pipeline_id), "pipeline")
            if id is not None:
                made = connection.execute(select(SNAPSHOTS).where(SNAPSHOTS.c.id == as_uuid(id)))
                earlier = made.first()
                if earlier is not None and earlier.pipeline_id == pipeline["id"]:
                    return dict(earlier._mapping), pipeline["name"]
            if name is not None:
                taken = select(SNAPSHOTS.c.id).where(
                    SNAPSHOTS.c.pipeline_id == pipeline["id"], SNAPSHOTS.c.name == name
                )
                if connection.scalar(taken) is not None:
                    raise EntityExistsError(
                        f"Pipeline '{pipeline['name']}' already has a snapshot named '{name}'."
                    )
            values = {
                "id": as_uuid(id) if id is not None else uuid4(),
                "pipeline_id": pipeline["id"],
                "name": name,
                "description": description,
                "spec": spec,
                "config": config,
                "source_root": source_root,
                "code_uri": code_uri,
                "created": utc_now(),
            }
            connection.execute(SNAPSHOTS.insert(), values)
            return values, pipeline["name"]

        try:
            row, pipeline_name = self._db.write(work)
        except IntegrityError as error:
            if is_unique_violation(error):
                raise EntityExistsError(f"A snapshot named '{name}' already exists.") from error
            raise integrity_error("create the snapshot", error) from error
        return snapshot_response(row, pipeline_name, self._store())

    def get_snapshot(self, name_or_id: str | UUID) -> SnapshotResponse:
        """A snapshot by id, unique id prefix or (unambiguous) name."""
        with self._db.read() as connection:
            row = resolve(connection, SNAPSHOTS, name_or_id, "snapshot")
            pipeline_name = connection.scalar(
                select(PIPELINES.c.name).where(PIPELINES.c.id == row["pipeline_id"])
            )
        return snapshot_response(row, pipeline_name or "", self._store())

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
        stack_id: UUID | None = None,
        orchestrator_host: str | None = None,
        orchestrator_start_token: str | None = None,
        heartbeat_interval: float | None = None,
        schedule_id: UUID | None = None,
        id: UUID | None = None,
    ) -> PipelineRunResponse:
        """Record a new run; its name must be unused (DuplicateRunNameError otherwise).

        `heartbeat_interval`: how often its orchestrator will beat (readers judge it by it);
        `schedule_id`: the schedule that started it, if one did; `id`: the new run's id, chosen
        by the caller so that it may repeat the call (a repeat returns the run it made)."""
        values = run_row(
            name=name,
            pipeline_id=pipeline_id,
            pipeline_name=pipeline_name,
            snapshot_id=snapshot_id,
            config=config,
            status=status,
            is_unlisted=is_unlisted,
            start_time=start_time,
            orchestrator_pid=orchestrator_pid,
            stack_id=stack_id,
            orchestrator_host=orchestrator_host,
            orchestrator_start_token=orchestrator_start_token,
            heartbeat_interval=heartbeat_interval,
            schedule_id=schedule_id,
            id=id,
        )
        try:
            self._db.write(lambda connection: connection.execute(_INSERT_RUN, values))
        except IntegrityError as error:  # the unique name constraint says it is taken
            if id is not None and is_unique_violation(error):
                with self._db.read() as connection:
                    made = connection.execute(select(RUNS).where(RUNS.c.id == values["id"]))
                    earlier = made.first()
                if earlier is not None and earlier.name == name:  # this call, made before
                    return run_response(earlier._mapping, self._store())
            if is_unique_violation(error):
                raise _duplicate_run_name(name) from error
            raise integrity_error(f"create run '{name}'", error) from error
        return run_response(values, self._store(), config)

    def get_run(self, name_or_id: str | UUID) -> PipelineRunResponse:
        """A run by name, id or unique id prefix (4+ hex characters, dashes optional)."""
        with self._db.read() as connection:
            row = resolve(connection, RUNS, name_or_id, "run")
        return run_response(row, self._store())

    def update_run(
        self,
        run_id: UUID,
        *,
        status: ExecutionStatus | None = None,
        start_time: datetime | None = None,
        end_time: datetime | None = None,
        status_message: str | None = None,
        heartbeat: datetime | None = None,
        orchestrator_pid: int | None = None,
        orchestrator_host: str | None = None,
        orchestrator_start_token: str | None = None,
        stop_requested_at: datetime | None = None,
        heartbeat_interval: float | None = None,
    ) -> PipelineRunResponse:
        """Change the given fields of a run; a finished status cannot go back (StoreError).

        Returns the run as written: without a status change in one statement,
        `UPDATE ... RETURNING`. (An orchestrator's heartbeat is `record_heartbeat`, which
        takes the database's time rather than the caller's.)"""
        new_status = to_status(status) if status is not None else None
        given = {
            "start_time": as_utc(start_time),
            "end_time": as_utc(end_time),
            "status_message": status_message,
            "heartbeat": as_utc(heartbeat),
            "orchestrator_pid": orchestrator_pid,
            "orchestrator_host": orchestrator_host,
            "orchestrator_start_token": orchestrator_start_token,
            "stop_requested_at": as_utc(stop_requested_at),
            "heartbeat_interval": heartbeat_interval,
        }
        changes = {key: value for key, value in given.items() if value is not None}

        def work(connection: Connection) -> Row:
            values: dict[str, Any] = {**changes, "updated": utc_now()}
            if new_status is None and connection.dialect.update_returning:
                updated = connection.execute(
                    _UPDATE_RUN_RETURNING, {"b_id": as_uuid(run_id), **values}
                ).first()
                if updated is None:
                    raise EntityNotFoundError(f"No run with id {run_id} exists.")
                return updated._mapping
            row = by_id(connection, RUNS, as_uuid(run_id), "run", lock=True)
            if new_status is not None:
                check_transition("Run", row["name"], row["status"], new_status)
                values["status"] = new_status.value
            connection.execute(_UPDATE_RUN, {"b_id": row["id"], **values})
            return {**row, **values}

        return run_response(self._db.write(work), self._store())

    def delete_run(self, run_id: UUID) -> list[str]:
        """Delete a run and its step runs, plus the artifact versions nothing else uses.

        Returns the URIs of the deleted artifact versions and of the step runs' logs, for the
        caller to remove from the artifact store.
        """

        def work(connection: Connection) -> list[str]:
            row = by_id(connection, RUNS, as_uuid(run_id), "run")
            return delete_runs(connection, select(RUNS.c.id).where(RUNS.c.id == row["id"]))

        return self._db.write(work)
