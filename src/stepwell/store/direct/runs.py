"""Stacks, pipelines, snapshots and runs on the direct path (see `SqlStore`'s methods of the
same names in `stepwell.store.sql.store`, `stacks`, `liveness` and `run_ends`)."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from stepwell.config.pipeline_config import PipelineConfig
from stepwell.enums import ExecutionStatus
from stepwell.store.direct import statements as sql
from stepwell.store.direct.base import HANDED_OVER, DirectBase, HandOver
from stepwell.store.direct.codec import encode, encode_row, encode_uuid
from stepwell.store.direct.rows import by_id_or_name, insert_rows, read_first, read_rows
from stepwell.store.models import (
    PipelineResponse,
    PipelineRunResponse,
    SnapshotResponse,
    StackResponse,
)
from stepwell.store.new_rows import run_row
from stepwell.store.row_conversions import (
    component_response,
    pipeline_response,
    run_response,
    snapshot_response,
    stack_response,
)
from stepwell.store.status_rules import check_transition, to_status
from stepwell.store.utc import as_utc, utc_now

_RUN_UUIDS = ("pipeline_id", "snapshot_id", "stack_id", "schedule_id", "id")


class RunMethods(DirectBase):
    """Stacks, pipelines, snapshots and runs."""

    def get_stack(self, name_or_id: str | UUID) -> StackResponse:
        """A stack by name, id or unique id prefix, with its components."""
        statement, key = by_id_or_name(name_or_id, sql.STACK_BY_ID, sql.STACK_BY_NAME)
        try:
            with self._direct.read() as connection:
                row = read_first(connection.execute(statement, (key,)))
                if row is None:  # an id prefix, or no such stack: SqlStore says which
                    raise HandOver
                parts = read_rows(connection.execute(sql.COMPONENTS_OF_STACK, (row["id"].hex,)))
        except HANDED_OVER:
            return self.handed_over("get_stack", name_or_id)
        components = [component_response(part, self) for part in parts]
        return stack_response(row, components, self)

    def get_or_create_pipeline(self, name: str) -> PipelineResponse:
        """The pipeline called `name`, created on first use (another process creating it at
        the same moment makes this insert fail: `SqlStore` then finds theirs)."""

        def work(connection: sqlite3.Connection) -> dict[str, Any]:
            row = read_first(connection.execute(sql.PIPELINE_BY_NAME, (name,)))
            if row is None:
                now = utc_now()
                row = {"id": uuid4(), "name": name, "description": None}
                row.update(created=now, updated=now)
                insert_rows(connection, "pipelines", [row])
            return row

        try:
            with self._direct.read() as connection:
                row = read_first(connection.execute(sql.PIPELINE_BY_NAME, (name,)))
            if row is None:
                row = self._direct.write(work)
        except HANDED_OVER:
            return self.handed_over("get_or_create_pipeline", name)
        return pipeline_response(row, self)

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
        """Record a compiled pipeline (a named one goes to `SqlStore`, which checks names)."""
        arguments = {"pipeline_id": pipeline_id, "spec": spec, "config": config, "name": name}
        arguments.update(description=description, source_root=source_root, code_uri=code_uri)
        arguments["id"] = id
        if name is not None or not isinstance(pipeline_id, UUID):
            return self.handed_over("create_snapshot", **arguments)

        def work(connection: sqlite3.Connection) -> tuple[dict[str, Any], str]:
            pipeline = read_first(connection.execute(sql.PIPELINE_BY_ID, (pipeline_id.hex,)))
            if pipeline is None:
                raise HandOver
            if id is not None:
                earlier = read_first(connection.execute(sql.SNAPSHOT_BY_ID, (encode_uuid(id),)))
                if earlier is not None:
                    if earlier["pipeline_id"] != pipeline["id"]:
                        raise HandOver
                    return earlier, pipeline["name"]
            values = {
                "id": UUID(str(id)) if id is not None else uuid4(),
                "pipeline_id": pipeline["id"],
                "name": None,
                "description": description,
                "spec": spec,
                "config": config,
                "source_root": source_root,
                "code_uri": code_uri,
                "created": utc_now(),
            }
            insert_rows(connection, "snapshots", [values])
            return values, pipeline["name"]

        try:
            row, pipeline_name = self._direct.write(work)
        except HANDED_OVER:
            return self.handed_over("create_snapshot", **arguments)
        return snapshot_response(row, pipeline_name, self)

    def create_run(
        self,
        *,
        config: PipelineConfig,
        status: ExecutionStatus = ExecutionStatus.INITIALIZING,
        **fields: Any,
    ) -> PipelineRunResponse:
        """Record a new run: the arguments of `SqlStore.create_run`. A name already taken,
        or a repeated call, is settled by `SqlStore`."""
        if any(not isinstance(fields.get(key), UUID | None) for key in _RUN_UUIDS):
            return self.handed_over("create_run", config=config, status=status, **fields)
        try:
            values = run_row(config=config, status=status, **fields)
            self._direct.write(
                lambda connection: insert_rows(connection, "pipeline_runs", [values])
            )
        except HANDED_OVER:
            return self.handed_over("create_run", config=config, status=status, **fields)
        return run_response(values, self, config)

    def get_run(self, name_or_id: str | UUID) -> PipelineRunResponse:
        """A run by name, id or unique id prefix (prefixes go to `SqlStore`)."""
        statement, key = by_id_or_name(name_or_id, sql.RUN_BY_ID, sql.RUN_BY_NAME)
        try:
            with self._direct.read() as connection:
                row = read_first(connection.execute(statement, (key,)))
        except HANDED_OVER:
            row = None
        if row is None:
            return self.handed_over("get_run", name_or_id)
        return run_response(row, self)

    def record_heartbeat(self, run_id: UUID) -> PipelineRunResponse:
        """Record that a run's orchestrator is alive, stamped with the database's time, and
        return the run as written (a stop request is read at no extra cost)."""
        if not isinstance(run_id, UUID) or sqlite3.sqlite_version_info < (3, 35):
            return self.handed_over("record_heartbeat", run_id)
        stamp = encode("updated", utc_now())
        try:
            row = self._direct.write(
                lambda connection: read_first(
                    connection.execute(sql.HEARTBEAT, (stamp, run_id.hex))
                )
            )
        except HANDED_OVER:
            row = None
        if row is None:  # no such run: SqlStore says so
            return self.handed_over("record_heartbeat", run_id)
        return run_response(row, self)

    def end_run(
        self,
        run_id: UUID,
        *,
        status: ExecutionStatus,
        end_time: datetime,
        status_message: str | None = None,
    ) -> PipelineRunResponse:
        """Record how a run ended, and end its unfinished step runs when it failed or
        stopped, in one transaction."""
        arguments = {"status": status, "end_time": end_time, "status_message": status_message}
        new_status = to_status(status)
        if not new_status.is_finished or not isinstance(run_id, UUID):
            return self.handed_over("end_run", run_id, **arguments)
        ended = as_utc(end_time)

        def work(connection: sqlite3.Connection) -> dict[str, Any]:
            row = read_first(connection.execute(sql.RUN_BY_ID, (run_id.hex,)))
            if row is None:
                raise HandOver
            check_transition("Run", row["name"], row["status"], new_status)
            now = utc_now()
            values: dict[str, Any] = {"status": new_status.value, "end_time": ended, "updated": now}
            if status_message is not None:
                values["status_message"] = status_message
            columns = tuple(values)
            connection.execute(
                sql.update_by_id("pipeline_runs", columns),
                (*encode_row(values, columns), row["id"].hex),
            )
            if new_status.is_failed:
                connection.execute(
                    sql.END_UNFINISHED_STEPS,
                    (
                        new_status.value,
                        encode("end_time", ended),
                        encode("updated", now),
                        row["id"].hex,
                        *sql.UNFINISHED_STATUSES,
                    ),
                )
            return {**row, **values}

        try:
            ended_row = self._direct.write(work)
        except HANDED_OVER:
            return self.handed_over("end_run", run_id, **arguments)
        return run_response(ended_row, self)
