"""Step runs on the direct path: the cache lookup, recording attempts and cache hits, and a
run's steps (see `SqlStore`'s methods of the same names in `stepwell.store.sql.step_runs`
and `step_run_reads`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from stepwell.enums import ExecutionStatus
from stepwell.steps.deferred_writes import DeferredWrite
from stepwell.store.direct import statements as sql
from stepwell.store.direct.base import HANDED_OVER, DirectBase, HandOver
from stepwell.store.direct.codec import encode_row, encode_time, encode_uuid
from stepwell.store.direct.rows import insert_rows, read_first, read_rows
from stepwell.store.models import (
    ArtifactVersionResponse,
    CacheHit,
    NewStepRun,
    StepRunResponse,
)
from stepwell.store.new_rows import (
    link_rows,
    metadata_rows,
    new_step_run,
    pending_rows,
    step_run_changes,
    step_run_row,
    version_row,
)
from stepwell.store.row_conversions import (
    cache_hit,
    group_links,
    latest_attempts,
    step_run_response,
    version_response,
)
from stepwell.store.status_rules import check_transition, to_status
from stepwell.store.utc import as_utc, utc_now

# Output fields read here; the others go to `version_row` as they are (an unknown one raises
# TypeError there, as `SqlStore`'s `insert_version` does).
_READ_HERE = frozenset({"name", "has_custom_name", "run_metadata", "version"})


def _asks_for_a_version(fields: dict[str, Any]) -> bool:
    version = fields.get("version")
    return version is not None and str(version).strip() != ""


def _insert_version(connection: sqlite3.Connection, fields: dict[str, Any]) -> dict[str, Any]:
    """The next version of artifact `fields["name"]` (the artifact made on first use), as
    `stepwell.store.sql.artifacts.insert_version` writes it when no version is asked for."""
    now = utc_now()
    name, has_custom_name = fields["name"], fields.get("has_custom_name", False)
    artifact = read_first(connection.execute(sql.ARTIFACT_BY_NAME, (name,)))
    if artifact is None:
        artifact_id, number = uuid4(), 1
        made = {"id": artifact_id, "name": name, "has_custom_name": has_custom_name}
        insert_rows(connection, "artifacts", [{**made, "created": now}])
    else:
        artifact_id = artifact["id"]
        latest = connection.execute(sql.LATEST_VERSION_NUMBER, (artifact_id.hex,)).fetchone()[0]
        number = (latest or 0) + 1
        if has_custom_name and not artifact["has_custom_name"]:
            connection.execute(sql.MARK_CUSTOM_NAME, (artifact_id.hex,))
    given = {key: value for key, value in fields.items() if key not in _READ_HERE}
    values = version_row(
        artifact_id=artifact_id, number=number, version_name=None, created=now, **given
    )
    insert_rows(connection, "artifact_versions", [values])
    metadata = fields.get("run_metadata")
    if metadata:
        rows = metadata_rows("artifact_version", values["id"], metadata, None, now)
        insert_rows(connection, "run_metadata", rows)
    return values


class StepRunMethods(DirectBase):
    """The cache lookup, attempts, cache hits and a run's steps."""

    def find_cached_step_run(self, cache_key: str) -> CacheHit | None:
        """The newest step run with this cache key whose result may be reused, if any."""
        statuses = (ExecutionStatus.COMPLETED.value, ExecutionStatus.CACHED.value)
        try:
            with self._direct.read() as connection:
                rows = read_rows(connection.execute(sql.CACHE_HIT, (cache_key, *statuses)))
        except HANDED_OVER:
            return self.handed_over("find_cached_step_run", cache_key)
        return cache_hit(rows, self)

    def get_run_steps(self, run_id: UUID) -> dict[str, StepRunResponse]:
        """The latest attempt of each step invocation of a run, by name, in creation order."""
        try:
            key = encode_uuid(run_id)
            with self._direct.read() as connection:
                rows = read_rows(connection.execute(sql.STEPS_OF_RUN, (key,)))
                if not rows:  # no steps yet, or no such run: SqlStore tells which
                    raise HandOver
                links = read_rows(connection.execute(sql.LINKS_OF_RUN, (key, key)))
        except (*HANDED_OVER, ValueError):  # ValueError: not an id; SqlStore's error says so
            return self.handed_over("get_run_steps", run_id)
        grouped = group_links(links, self)
        responses = []
        for row in latest_attempts(rows):
            inputs, outputs = grouped.get(row["id"]) or ({}, {})
            responses.append(step_run_response(row, self, inputs, outputs))
        return {response.name: response for response in responses}

    def create_step_runs(self, records: Sequence[NewStepRun]) -> None:
        """Record several step runs with their links in one transaction; those linked to a
        model version go to `SqlStore`."""
        if not records:
            return
        if any(record.model_version_id is not None and record.outputs for record in records):
            self.handed_over("create_step_runs", records)
            return
        rows = [step_run_row(record) for record in records]
        inputs = [link for r in records for link in link_rows(r.id, r.inputs)]
        outputs = [link for r in records for link in link_rows(r.id, r.outputs)]

        def work(connection: sqlite3.Connection) -> None:
            insert_rows(connection, "step_runs", rows)
            insert_rows(connection, "step_run_input_artifacts", inputs)
            insert_rows(connection, "step_run_output_artifacts", outputs)

        try:
            self._direct.write(work)
        except HANDED_OVER:
            self.handed_over("create_step_runs", records)

    def create_step_run(
        self, *, hydrate: bool = True, pending_uris: Sequence[str] = (), **fields: Any
    ) -> StepRunResponse:
        """Record one attempt: the arguments of `SqlStore.create_step_run`. The launcher's
        form (`hydrate=False`, no model version with outputs) is written here."""
        arguments = {"hydrate": hydrate, "pending_uris": pending_uris, **fields}
        if hydrate or (fields.get("model_version_id") is not None and fields.get("outputs")):
            return self.handed_over("create_step_run", **arguments)
        record = new_step_run(**fields)  # an unknown argument raises here, as in SqlStore
        values = step_run_row(record)

        def work(connection: sqlite3.Connection) -> None:
            insert_rows(connection, "step_runs", [values])
            insert_rows(connection, "step_run_input_artifacts", link_rows(record.id, record.inputs))
            links = link_rows(record.id, record.outputs)
            insert_rows(connection, "step_run_output_artifacts", links)
            rows = pending_rows(record.pipeline_run_id, record.id, pending_uris)
            insert_rows(connection, "pending_outputs", rows)

        try:
            self._direct.write(work)
        except HANDED_OVER:
            return self.handed_over("create_step_run", **arguments)
        return step_run_response(values, self, {}, {}, record.config)

    def update_step_run(
        self,
        step_run_id: UUID,
        *,
        status: ExecutionStatus | None = None,
        outputs: dict[str, list[UUID]] | None = None,
        hydrate: bool = True,
        forget_pending: bool = False,
        **fields: Any,
    ) -> StepRunResponse:
        """Change the given fields of a step run: the arguments of
        `SqlStore.update_step_run`. The launcher's form for an attempt that failed
        (`hydrate=False`, no outputs) is written here."""
        arguments = {"status": status, "outputs": outputs, "hydrate": hydrate, **fields}
        arguments["forget_pending"] = forget_pending
        if hydrate or outputs or not isinstance(step_run_id, UUID):
            return self.handed_over("update_step_run", step_run_id, **arguments)
        new_status = to_status(status) if status is not None else None
        changes = step_run_changes(**fields)  # an unknown argument raises, as in SqlStore

        def work(connection: sqlite3.Connection) -> dict[str, Any]:
            row = read_first(connection.execute(sql.STEP_RUN_BY_ID, (step_run_id.hex,)))
            if row is None:
                raise HandOver  # SqlStore says there is no such step run
            values: dict[str, Any] = {**changes, "updated": utc_now()}
            if new_status is not None:
                check_transition("Step run", row["name"], row["status"], new_status)
                values["status"] = new_status.value
            columns = tuple(values)
            statement = sql.update_by_id("step_runs", columns)
            connection.execute(statement, (*encode_row(values, columns), step_run_id.hex))
            if forget_pending:
                connection.execute(sql.RELEASE_PENDING, (step_run_id.hex,))
            return {**row, **values}

        try:
            updated = self._direct.write(work)
        except HANDED_OVER:
            return self.handed_over("update_step_run", step_run_id, **arguments)
        return step_run_response(updated, self, {}, {})

    def complete_step_run(
        self,
        step_run_id: UUID,
        *,
        end_time: datetime,
        outputs: dict[str, list[dict[str, Any]]],
        model_version_id: UUID | None = None,
        deferred: Sequence[DeferredWrite] = (),
    ) -> dict[str, list[ArtifactVersionResponse]]:
        """Record a running step's new output versions and mark it completed, atomically.
        Written here when the step logged nothing for later, names no version and has no
        model version; anything else, a repeated call included, goes to `SqlStore`."""
        arguments = {"end_time": end_time, "outputs": outputs}
        arguments.update(model_version_id=model_version_id, deferred=deferred)
        every = [fields for versions in outputs.values() for fields in versions]
        if (
            model_version_id is not None
            or deferred
            or not isinstance(step_run_id, UUID)
            or any(_asks_for_a_version(fields) for fields in every)
        ):
            return self.handed_over("complete_step_run", step_run_id, **arguments)
        chosen = [encode_uuid(fields["id"]) for fields in every if fields.get("id")]

        def work(connection: sqlite3.Connection) -> dict[str, list[dict[str, Any]]]:
            if chosen and connection.execute(sql.versions_with_ids(len(chosen)), chosen).fetchone():
                raise HandOver  # a repeated call, or a taken id: SqlStore tells which
            made = {
                name: [_insert_version(connection, f) for f in fs] for name, fs in outputs.items()
            }
            ended = (encode_time(as_utc(end_time)), encode_time(utc_now()), step_run_id.hex)
            if connection.execute(sql.COMPLETE_STEP_RUN, ended).rowcount != 1:
                raise HandOver  # not running: SqlStore says why, or finds its earlier call
            connection.execute(sql.RELEASE_PENDING, (step_run_id.hex,))  # its bytes are recorded
            links = link_rows(step_run_id, {n: [r["id"] for r in rs] for n, rs in made.items()})
            insert_rows(connection, "step_run_output_artifacts", links)
            return made

        try:
            rows = self._direct.write(work)
        except HANDED_OVER:
            return self.handed_over("complete_step_run", step_run_id, **arguments)
        return {
            name: [
                version_response(row, fields["name"], self)
                for row, fields in zip(rs, outputs[name], strict=True)
            ]
            for name, rs in rows.items()
        }
