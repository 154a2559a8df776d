"""Step runs in the SQL metadata store (layer: store): attempts, their artifacts, the cache.

In the define -> compile -> orchestrate -> launch -> store -> read flow the launcher records
each step attempt here (with the artifact versions it read and wrote) and asks for a cached
step run before running one; readers get a run's steps back in a constant number of queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, bindparam, func, select, update
from sqlalchemy.exc import IntegrityError

from stepwell.config.step_config import StepConfig
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import EntityNotFoundError, StoreError
from stepwell.steps.deferred_writes import DeferredWrite
from stepwell.store.models import ArtifactVersionResponse, NewStepRun, StepRunResponse
from stepwell.store.new_rows import link_rows, new_step_run, step_run_changes, step_run_row
from stepwell.store.row_conversions import Row, as_uuid, step_run_response, version_response
from stepwell.store.sql.artifacts import insert_version, lock_artifacts
from stepwell.store.sql.common import (
    integrity_error,
    is_unique_violation,
    write_new_version,
)
from stepwell.store.sql.metadata import apply_deferred
from stepwell.store.sql.model_links import link_to_model_version
from stepwell.store.sql.pending import insert_pending, release_pending
from stepwell.store.sql.queries import add_links, by_id, versions_with_names
from stepwell.store.sql.step_run_reads import StepRunReadMethods
from stepwell.store.sql.tables import (
    STEP_INPUTS,
    STEP_OUTPUTS,
    STEP_RUNS,
    VERSIONS,
    as_utc,
    utc_now,
)
from stepwell.store.status_rules import check_transition, to_status

# Statements built once (see queries.py).
_INSERT = STEP_RUNS.insert()
_COMPLETE = (
    update(STEP_RUNS)
    .where(STEP_RUNS.c.id == bindparam("b_id"), STEP_RUNS.c.status == ExecutionStatus.RUNNING.value)
    .values(status=ExecutionStatus.COMPLETED.value)
)
_TAKEN_IDS = select(VERSIONS.c.id).where(VERSIONS.c.id.in_(bindparam("ids", expanding=True)))
_UPDATE = update(STEP_RUNS).where(STEP_RUNS.c.id == bindparam("b_id"))
_LAST_POSITIONS = (
    select(STEP_OUTPUTS.c.name, func.max(STEP_OUTPUTS.c.position))
    .where(
        STEP_OUTPUTS.c.step_run_id == bindparam("b_id"),
        STEP_OUTPUTS.c.name.in_(bindparam("names", expanding=True)),
    )
    .group_by(STEP_OUTPUTS.c.name)
)


class _CompletedBefore(Exception):
    """`complete_step_run` came again for a step it already completed (rolls back)."""


def _completed_with(
    connection: Connection, step_run_id: UUID, outputs: dict[str, list[dict[str, Any]]]
) -> bool:
    """Whether the step run is completed with exactly these output URIs: the caller's
    earlier call, whose answer was lost, recorded them (URIs are unique to an attempt)."""
    status = connection.scalar(select(STEP_RUNS.c.status).where(STEP_RUNS.c.id == step_run_id))
    if status != ExecutionStatus.COMPLETED.value:
        return False
    recorded = connection.execute(
        select(STEP_OUTPUTS.c.name, VERSIONS.c.uri)
        .join(VERSIONS, VERSIONS.c.id == STEP_OUTPUTS.c.artifact_version_id)
        .where(STEP_OUTPUTS.c.step_run_id == step_run_id)
    ).all()
    wanted = {(name, fields["uri"]) for name, versions in outputs.items() for fields in versions}
    return {(name, uri) for name, uri in recorded} == wanted


class StepRunMethods(StepRunReadMethods):
    """The step-run half of `SqlStore`: recording attempts (reads: `step_run_reads`)."""

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
        hydrate: bool = True,
        pending_uris: Sequence[str] = (),
        model_version_id: UUID | None = None,
        id: UUID | None = None,
    ) -> StepRunResponse:
        """Record one attempt of step invocation `name`, linked to its input artifact versions.

        `id`: the new record's id, chosen by the caller so that it may repeat the call after
        losing the answer: a repeat returns the record the first call made.

        `pending_uris`: where the attempt will write its outputs, recorded in the same
        transaction (write-ahead), so that bytes of an attempt that never ends can be found.

        `outputs` links output versions right away (a cached step run reuses its original's).
        With `hydrate=False` the returned record leaves `inputs` and `outputs` empty, which
        saves a query on hot paths that already know them.
        """
        record = new_step_run(
            pipeline_run_id=pipeline_run_id,
            name=name,
            step_name=step_name,
            config=config,
            status=status,
            inputs=inputs,
            outputs=outputs,
            start_time=start_time,
            end_time=end_time,
            attempt=attempt,
            cache_key=cache_key,
            cache_components=cache_components,
            original_step_run_id=original_step_run_id,
            source_code_hash=source_code_hash,
            logs_uri=logs_uri,
            status_message=status_message,
            model_version_id=model_version_id,
            id=id,
        )
        values = step_run_row(record)

        def work(connection: Connection) -> StepRunResponse:
            versions = {}
            if hydrate:
                wanted = [i for ids in (*inputs.values(), *record.outputs.values()) for i in ids]
                versions = versions_with_names(connection, wanted, self._store())
            connection.execute(_INSERT, values)
            add_links(connection, STEP_INPUTS, record.id, inputs)
            add_links(connection, STEP_OUTPUTS, record.id, record.outputs)
            if model_version_id is not None and record.outputs:
                link_to_model_version(
                    connection,
                    model_version_id,
                    [i for ids in record.outputs.values() for i in ids],
                )
            insert_pending(connection, pipeline_run_id, record.id, pending_uris)
            if not hydrate:
                return step_run_response(values, self._store(), {}, {}, config)
            return step_run_response(
                values,
                self._store(),
                {key: [versions[item] for item in ids] for key, ids in inputs.items()},
                {key: [versions[item] for item in ids] for key, ids in record.outputs.items()},
                config,
            )

        try:
            return self._db.write(work)
        except IntegrityError as error:
            if id is not None and is_unique_violation(error):
                earlier = self._made_before(record)
                if earlier is not None:
                    return earlier
            raise integrity_error(f"record step run '{name}'", error) from error

    def _made_before(self, record: NewStepRun) -> StepRunResponse | None:
        """The step run an earlier call recorded as `record` (same id, run and name)."""
        try:
            earlier = self.get_step_run(record.id)
        except EntityNotFoundError:
            return None
        same = (earlier.pipeline_run_id, earlier.name) == (record.pipeline_run_id, record.name)
        return earlier if same else None

    def create_step_runs(self, records: Sequence[NewStepRun]) -> None:
        """Record several step runs, with their input and output links, in one transaction.

        The orchestrator writes a burst of cache hits this way: one commit for all of them.
        The records' ids are chosen by the caller, so a repeat of the call (after its answer
        was lost) finds them written and writes nothing.
        """
        if not records:
            return
        try:
            self._insert_step_runs(records)
        except IntegrityError as error:
            if is_unique_violation(error):
                with self._db.read() as connection:
                    ids = [record.id for record in records]
                    known = select(STEP_RUNS.c.id).where(STEP_RUNS.c.id.in_(ids))
                    made = set(connection.scalars(known))
                if made == set(ids):  # all written by an earlier call: a repeat
                    return
            names = ", ".join(record.name for record in records)
            raise integrity_error(f"record step runs {names}", error) from error

    def _insert_step_runs(self, records: Sequence[NewStepRun]) -> None:
        rows = [step_run_row(record) for record in records]
        inputs = [link for r in records for link in link_rows(r.id, r.inputs)]
        outputs = [link for r in records for link in link_rows(r.id, r.outputs)]

        def work(connection: Connection) -> None:
            connection.execute(_INSERT, rows)
            if inputs:
                connection.execute(STEP_INPUTS.insert(), inputs)
            if outputs:
                connection.execute(STEP_OUTPUTS.insert(), outputs)
            # A cached step's reused outputs belong to this run's model version too.
            for record in records:
                if record.model_version_id is not None and record.outputs:
                    link_to_model_version(
                        connection,
                        record.model_version_id,
                        [i for ids in record.outputs.values() for i in ids],
                    )

        self._db.write(work)

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
        hydrate: bool = True,
        forget_pending: bool = False,
    ) -> StepRunResponse:
        """Change the given fields of a step run and link more output artifact versions.

        With `hydrate=False` the returned record leaves `inputs` and `outputs` empty; with
        `forget_pending=True` its write-ahead output records go in the same transaction (an
        attempt that ended without outputs, whose bytes are already removed)."""
        new_status = to_status(status) if status is not None else None
        changes = step_run_changes(
            end_time=end_time,
            exception=exception,
            status_message=status_message,
            cache_key=cache_key,
            cache_components=cache_components,
        )

        def work(connection: Connection) -> StepRunResponse:
            row = by_id(connection, STEP_RUNS, as_uuid(step_run_id), "step run", lock=True)
            values: dict[str, Any] = {**changes, "updated": utc_now()}
            if new_status is not None:
                check_transition("Step run", row["name"], row["status"], new_status)
                values["status"] = new_status.value
            connection.execute(_UPDATE, {"b_id": row["id"], **values})
            if forget_pending:
                release_pending(connection, row["id"])
            if outputs:
                last = connection.execute(
                    _LAST_POSITIONS, {"b_id": row["id"], "names": list(outputs)}
                ).all()
                start = {output: position + 1 for output, position in last}
                add_links(connection, STEP_OUTPUTS, row["id"], outputs, start)
            if not hydrate:
                return step_run_response({**row, **values}, self._store(), {}, {})
            (response,) = self._with_links(connection, [{**row, **values}])
            return response

        try:
            return self._db.write(work)
        except IntegrityError as error:
            raise integrity_error(f"update step run {step_run_id}", error) from error

    def complete_step_run(
        self,
        step_run_id: UUID,
        *,
        end_time: datetime,
        outputs: dict[str, list[dict[str, Any]]],
        model_version_id: UUID | None = None,
        deferred: Sequence[DeferredWrite] = (),
    ) -> dict[str, list[ArtifactVersionResponse]]:
        """Record a running step's new output versions and mark it completed, atomically;
        with `model_version_id`, the versions are linked to that model version too.

        `outputs` maps each output name to the fields of its new artifact versions (as for
        `create_artifact_version`, plus the `id` a step chose for a version it named before
        it was recorded). `deferred` is what the step logged; it may point at these versions.
        One transaction: readers never see the versions without the finished step, nor the
        finished step without its outputs and what it logged. A write of `deferred` that
        fails raises DeferredWriteError and nothing is recorded.
        """
        run_id = as_uuid(step_run_id)
        chosen = [as_uuid(f["id"]) for fs in outputs.values() for f in fs if f.get("id")]

        def work(connection: Connection) -> dict[str, list[Row]]:
            if chosen and connection.scalar(_TAKEN_IDS, {"ids": chosen}) is not None:
                if _completed_with(connection, run_id, outputs):
                    raise _CompletedBefore  # a repeat of this call: nothing to write
                raise StoreError(f"Step run {step_run_id}: an output's version id is taken.")
            lock_artifacts(connection, [f["name"] for fs in outputs.values() for f in fs])
            rows = {
                name: [insert_version(connection, **fields) for fields in versions]
                for name, versions in outputs.items()
            }
            done = connection.execute(
                _COMPLETE,
                {"b_id": run_id, "end_time": as_utc(end_time), "updated": utc_now()},
            )
            if done.rowcount != 1:
                if _completed_with(connection, run_id, outputs):
                    raise _CompletedBefore  # a repeat of this call: nothing to write
                raise StoreError(f"Step run {step_run_id} is not running; it cannot complete.")
            release_pending(connection, run_id)  # its bytes are recorded now
            if model_version_id is not None:
                link_to_model_version(
                    connection, model_version_id, [r["id"] for rs in rows.values() for r in rs]
                )
            add_links(
                connection,
                STEP_OUTPUTS,
                run_id,
                {n: [r["id"] for r in rs] for n, rs in rows.items()},
            )
            apply_deferred(connection, deferred)  # after the versions: it may link them
            return rows

        try:
            rows = write_new_version(self._db, work, f"complete step run {step_run_id}")
        except _CompletedBefore:  # the answer to the first call was lost; this is it again
            return self.get_step_run(run_id).outputs
        return {
            name: [
                version_response(row, fields["name"], self._store())
                for row, fields in zip(rs, outputs[name], strict=True)
            ]
            for name, rs in rows.items()
        }
