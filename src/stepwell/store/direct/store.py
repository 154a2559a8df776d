"""`DirectSqliteStore`: the calls of a cached run and of common reads, on `sqlite3` directly.

Each method does what the `SqlStore` method of the same name does, in the same transaction
shape and writing the same rows (`stepwell.store.new_rows` builds them for both). Whatever
it does not handle itself, it hands to a `SqlStore` on the same database, opened on first
need: every other method, and any call that meets a conflict, a missing record or an
option this path leaves out. A failed attempt here has written nothing (its transaction is
rolled back), so `SqlStore` then does the whole call and raises its own errors.
"""

from __future__ import annotations

import sqlite3
import threading
import weakref
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from stepwell.config.pipeline_config import PipelineConfig
from stepwell.enums import ExecutionStatus
from stepwell.store.direct import statements as sql
from stepwell.store.direct.codec import RowDecoder, encode, encode_row, encode_uuid
from stepwell.store.direct.connection import DirectConnection
from stepwell.store.models import (
    CacheHit,
    NewStepRun,
    PipelineResponse,
    PipelineRunResponse,
    SnapshotResponse,
    StackResponse,
    StepRunResponse,
)
from stepwell.store.new_rows import link_rows, run_row, step_run_row
from stepwell.store.page import Page
from stepwell.store.row_conversions import (
    ArtifactList,
    component_response,
    group_links,
    latest_attempts,
    pipeline_response,
    run_response,
    snapshot_response,
    stack_response,
    step_run_response,
    version_response,
)
from stepwell.store.status_rules import check_transition, to_status
from stepwell.store.utc import as_utc, utc_now
from stepwell.utils.heavy_imports import collector_paused

_DEFAULT_PAGE_SIZE = 50  # `SqlStore.list_runs`'s; a test checks that the two agree
_OPEN: weakref.WeakValueDictionary[str, DirectSqliteStore] = weakref.WeakValueDictionary()


class _HandOver(Exception):
    """This path leaves the call to `SqlStore` (raised inside a transaction: rolls it back)."""


def _rows(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    decode = RowDecoder(column[0] for column in cursor.description)
    return [decode(values) for values in cursor.fetchall()]


def _first(cursor: sqlite3.Cursor) -> dict[str, Any] | None:
    rows = _rows(cursor)
    return rows[0] if rows else None


def _insert(connection: sqlite3.Connection, table: str, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = tuple(rows[0])
    statement = sql.insert(table, columns)
    connection.executemany(statement, [encode_row(row, columns) for row in rows])


def _is_uuid_text(value: str) -> bool:
    try:
        UUID(value.strip())
    except ValueError:
        return False
    return True


def _plain_run_listing(arguments: dict[str, Any]) -> tuple[int, int, bool] | None:
    """(page, size, listed only) of a `list_runs` call with no filter, sort or tags, else
    None. Filters given as None are no filters (as `SqlStore` reads them)."""
    given = dict(arguments)
    page, size = given.pop("page", 1), given.pop("size", _DEFAULT_PAGE_SIZE)
    include_unlisted = given.pop("include_unlisted", True)
    if given.pop("logical_operator", "and") not in ("and", "or"):
        return None
    if given.pop("descending", None) not in (None, True):
        return None
    if any(value is not None for value in given.values()):
        return None
    if type(page) is not int or type(size) is not int or page < 1 or size < 1:
        return None
    if type(include_unlisted) is not bool:
        return None
    return page, size, not include_unlisted


def reopen(url: str) -> Any:
    """The store an unpickled record binds to: this process's store for `url`."""
    store = _OPEN.get(url)
    if store is not None:
        return store
    from stepwell.store.sql.store import _reopen

    return _reopen(url)


class DirectSqliteStore:
    """The `Store` on an existing, current SQLite file: hot calls direct, the rest through
    a `SqlStore` made when first needed. Opened by `stepwell.store.direct.opening`."""

    def __init__(self, url: str, connection: DirectConnection) -> None:
        self.url = url
        self._direct = connection
        self._full: Any = None
        self._full_lock = threading.Lock()
        _OPEN[url] = self

    def __repr__(self) -> str:
        return f"DirectSqliteStore({self.url!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (reopen, (self.url,))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.full_store(), name)

    def full_store(self) -> Any:
        """The `SqlStore` on the same database (loads SQLAlchemy the first time)."""
        full = self._full
        if full is None:
            with self._full_lock:
                if self._full is None:
                    with collector_paused():
                        from stepwell.store.sql.store import SqlStore

                        full = SqlStore(self.url)
                        full._bind_responses_to = self
                        self._full = full
                full = self._full
        return full

    def close(self) -> None:
        """Close this process's connections; the store reconnects if used again."""
        self._direct.close()
        if self._full is not None:
            self._full.close()

    # -- stacks ------------------------------------------------------------------------------
    def get_stack(self, name_or_id: str | UUID) -> StackResponse:
        """A stack by name, id or unique id prefix, with its components."""
        if isinstance(name_or_id, UUID):
            statement, key = sql.STACK_BY_ID, name_or_id.hex
        elif not _is_uuid_text(name_or_id):
            statement, key = sql.STACK_BY_NAME, name_or_id.strip()
        else:
            return self.full_store().get_stack(name_or_id)
        with self._direct.read() as connection:
            row = _first(connection.execute(statement, (key,)))
            if row is not None:
                parts = _rows(connection.execute(sql.COMPONENTS_OF_STACK, (row["id"].hex,)))
        if row is None:  # an id prefix, or no such stack: SqlStore says which
            return self.full_store().get_stack(name_or_id)
        components = [component_response(part, self) for part in parts]
        return stack_response(row, components, self)

    # -- pipelines and snapshots -------------------------------------------------------------
    def get_or_create_pipeline(self, name: str) -> PipelineResponse:
        """The pipeline called `name` (created, by `SqlStore`, on first use)."""
        with self._direct.read() as connection:
            row = _first(connection.execute(sql.PIPELINE_BY_NAME, (name,)))
        if row is None:
            return self.full_store().get_or_create_pipeline(name)
        return pipeline_response(row, self)

    def create_snapshot(self, **fields: Any) -> SnapshotResponse:
        """Record a compiled pipeline (see `SqlStore.create_snapshot`); a named one goes
        through `SqlStore`, which checks the name."""
        if fields.get("name") is not None:
            return self.full_store().create_snapshot(**fields)
        chosen = fields.get("id")

        def work(connection: sqlite3.Connection) -> tuple[dict[str, Any], str]:
            pipeline = _first(
                connection.execute(sql.PIPELINE_BY_ID, (encode_uuid(fields["pipeline_id"]),))
            )
            if pipeline is None:
                raise _HandOver
            if chosen is not None:
                earlier = _first(connection.execute(sql.SNAPSHOT_BY_ID, (encode_uuid(chosen),)))
                if earlier is not None:
                    if earlier["pipeline_id"] != pipeline["id"]:
                        raise _HandOver
                    return earlier, pipeline["name"]
            values = {
                "id": UUID(str(chosen)) if chosen is not None else uuid4(),
                "pipeline_id": pipeline["id"],
                "name": None,
                "description": fields.get("description"),
                "spec": fields["spec"],
                "config": fields["config"],
                "source_root": fields.get("source_root"),
                "code_uri": fields.get("code_uri"),
                "created": utc_now(),
            }
            _insert(connection, "snapshots", [values])
            return values, pipeline["name"]

        try:
            row, pipeline_name = self._direct.write(work)
        except (_HandOver, sqlite3.IntegrityError):
            return self.full_store().create_snapshot(**fields)
        return snapshot_response(row, pipeline_name, self)

    # -- runs --------------------------------------------------------------------------------
    def create_run(
        self,
        *,
        config: PipelineConfig,
        status: ExecutionStatus = ExecutionStatus.INITIALIZING,
        **fields: Any,
    ) -> PipelineRunResponse:
        """Record a new run (see `SqlStore.create_run`); a name already taken, or a repeated
        call, is settled by `SqlStore`."""
        arguments = {
            "pipeline_id": None,
            "snapshot_id": None,
            "is_unlisted": False,
            "start_time": None,
            "orchestrator_pid": None,
            "stack_id": None,
            "orchestrator_host": None,
            "orchestrator_start_token": None,
            "heartbeat_interval": None,
            "schedule_id": None,
            "id": None,
            **fields,
        }
        values = run_row(config=config, status=status, **arguments)
        try:
            self._direct.write(lambda connection: _insert(connection, "pipeline_runs", [values]))
        except sqlite3.IntegrityError:
            return self.full_store().create_run(config=config, status=status, **fields)
        return run_response(values, self, config)

    def get_run(self, name_or_id: str | UUID) -> PipelineRunResponse:
        """A run by name, id or unique id prefix (prefixes go through `SqlStore`)."""
        if isinstance(name_or_id, UUID) or _is_uuid_text(name_or_id):
            statement, key = sql.RUN_BY_ID, encode_uuid(str(name_or_id).strip())
        else:
            statement, key = sql.RUN_BY_NAME, name_or_id.strip()
        with self._direct.read() as connection:
            row = _first(connection.execute(statement, (key,)))
        if row is None:
            return self.full_store().get_run(name_or_id)
        return run_response(row, self)

    def list_runs(self, **arguments: Any) -> Page[PipelineRunResponse]:
        """Runs, newest first (see `SqlStore.list_runs`); any filter, sort or tag goes
        through `SqlStore`, which knows them all."""
        plain = _plain_run_listing(arguments)
        if plain is None:
            return self.full_store().list_runs(**arguments)
        page, size, listed_only = plain
        rows_statement = sql.LISTED_RUNS_NEWEST_FIRST if listed_only else sql.RUNS_NEWEST_FIRST
        with self._direct.read() as connection:
            rows = _rows(connection.execute(rows_statement, (size, (page - 1) * size)))
            if page == 1 and len(rows) < size:
                total = len(rows)  # all of them fit on the first page: no count needed
            else:
                counted = sql.COUNT_LISTED_RUNS if listed_only else sql.COUNT_RUNS
                total = connection.execute(counted).fetchone()[0]
        items = [run_response(row, self) for row in rows]
        return Page.of(items, total=total, index=page, max_size=size)

    def end_run(
        self,
        run_id: UUID,
        *,
        status: ExecutionStatus,
        end_time: datetime,
        status_message: str | None = None,
    ) -> PipelineRunResponse:
        """Record how a run ended, and end its unfinished step runs when it failed or
        stopped, in one transaction (see `SqlStore.end_run`)."""
        new_status = to_status(status)
        arguments: dict[str, Any] = {"status": status, "end_time": end_time}
        arguments["status_message"] = status_message
        if not new_status.is_finished:
            return self.full_store().end_run(run_id, **arguments)
        ended = as_utc(end_time)

        def work(connection: sqlite3.Connection) -> dict[str, Any]:
            row = _first(connection.execute(sql.RUN_BY_ID, (encode_uuid(run_id),)))
            if row is None:
                raise _HandOver
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
        except _HandOver:
            return self.full_store().end_run(run_id, **arguments)
        return run_response(ended_row, self)

    # -- step runs ---------------------------------------------------------------------------
    def find_cached_step_run(self, cache_key: str) -> CacheHit | None:
        """The newest completed (not itself cached) step run with this cache key, if any."""
        with self._direct.read() as connection:
            cursor = connection.execute(sql.CACHE_HIT, (cache_key, ExecutionStatus.COMPLETED.value))
            rows = _rows(cursor)
        if not rows:
            return None
        outputs: ArtifactList = {}
        for row in rows:
            if row["link_name"] is not None:
                outputs.setdefault(row["link_name"], []).append(
                    version_response(row, row["artifact_name"], self)
                )
        return CacheHit(rows[0]["step_run_id"], rows[0]["step_run_end_time"], outputs)

    def get_run_steps(self, run_id: UUID) -> dict[str, StepRunResponse]:
        """The latest attempt of each step invocation of a run, by name, in creation order."""
        key = encode_uuid(run_id)
        with self._direct.read() as connection:
            rows = _rows(connection.execute(sql.STEPS_OF_RUN, (key,)))
            links = _rows(connection.execute(sql.LINKS_OF_RUN, (key, key))) if rows else []
        if not rows:  # no steps yet, or no such run: SqlStore tells which
            return self.full_store().get_run_steps(run_id)
        grouped = group_links(links, self)
        responses = []
        for row in latest_attempts(rows):
            inputs, outputs = grouped.get(row["id"]) or ({}, {})
            responses.append(step_run_response(row, self, inputs, outputs))
        return {response.name: response for response in responses}

    def create_step_runs(self, records: Sequence[NewStepRun]) -> None:
        """Record several step runs with their links in one transaction (see
        `SqlStore.create_step_runs`); those linked to a model version go through `SqlStore`."""
        if not records:
            return
        if any(record.model_version_id is not None and record.outputs for record in records):
            self.full_store().create_step_runs(records)
            return
        rows = [step_run_row(record) for record in records]
        inputs = [link for r in records for link in link_rows(r.id, r.inputs)]
        outputs = [link for r in records for link in link_rows(r.id, r.outputs)]

        def work(connection: sqlite3.Connection) -> None:
            _insert(connection, "step_runs", rows)
            _insert(connection, "step_run_input_artifacts", inputs)
            _insert(connection, "step_run_output_artifacts", outputs)

        try:
            self._direct.write(work)
        except sqlite3.IntegrityError:
            self.full_store().create_step_runs(records)
