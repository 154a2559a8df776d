"""Deleting runs from the SQL metadata store (layer: store): their steps, and the artifact
versions nothing else uses, in the caller's transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, delete, exists, select, union_all, update

from stepwell.store.sql.forget import forget_resources
from stepwell.store.sql.tables import (
    ARTIFACTS,
    RUNS,
    STEP_INPUTS,
    STEP_OUTPUTS,
    STEP_RUNS,
    VERSIONS,
)

_CHUNK = 500
_LINK_TABLES = (STEP_INPUTS, STEP_OUTPUTS)


def delete_runs(connection: Connection, runs: Select[Any]) -> list[str]:
    """Delete the selected runs, their steps and the artifact versions nothing else uses.

    A version goes when one of the deleted step runs produced it and no remaining step run
    has it as an input or output. A surviving version whose producer goes is handed to the
    oldest step run that still outputs it (a cached one, the first to reuse it), so it goes
    when that one is deleted in turn.
    Returns the URIs of the deleted versions, then the step runs' log URIs, for the caller to
    remove from the artifact store.
    """
    steps = select(STEP_RUNS.c.id).where(STEP_RUNS.c.pipeline_run_id.in_(runs))
    logs = connection.scalars(
        select(STEP_RUNS.c.logs_uri).where(
            STEP_RUNS.c.pipeline_run_id.in_(runs), STEP_RUNS.c.logs_uri.is_not(None)
        )
    ).all()
    used_elsewhere = union_all(
        *(
            select(link.c.artifact_version_id).where(link.c.step_run_id.not_in(steps))
            for link in _LINK_TABLES
        )
    )
    doomed = connection.execute(
        select(VERSIONS.c.id, VERSIONS.c.artifact_id, VERSIONS.c.uri).where(
            VERSIONS.c.producer_step_run_id.in_(steps),
            VERSIONS.c.id.not_in(used_elsewhere),
        )
    ).all()
    forget_resources(connection, "pipeline_run", runs)
    forget_resources(connection, "step_run", steps)
    forget_resources(connection, "artifact_version", [row.id for row in doomed])
    for link in _LINK_TABLES:
        connection.execute(delete(link).where(link.c.step_run_id.in_(steps)))
    for start in range(0, len(doomed), _CHUNK):
        chunk = [row.id for row in doomed[start : start + _CHUNK]]
        connection.execute(delete(VERSIONS).where(VERSIONS.c.id.in_(chunk)))
    heir = (  # the oldest remaining step run that outputs it: the first to have reused it
        select(STEP_OUTPUTS.c.step_run_id)
        .join(STEP_RUNS, STEP_RUNS.c.id == STEP_OUTPUTS.c.step_run_id)
        .where(STEP_OUTPUTS.c.artifact_version_id == VERSIONS.c.id)
        .order_by(STEP_RUNS.c.created, STEP_RUNS.c.id)
        .limit(1)
        .scalar_subquery()
    )
    connection.execute(
        update(VERSIONS)
        .where(VERSIONS.c.producer_step_run_id.in_(steps))
        .values(producer_step_run_id=heir)
    )
    connection.execute(
        update(STEP_RUNS)
        .where(
            STEP_RUNS.c.original_step_run_id.in_(steps),
            STEP_RUNS.c.pipeline_run_id.not_in(runs),
        )
        .values(original_step_run_id=None)
    )
    connection.execute(delete(STEP_RUNS).where(STEP_RUNS.c.pipeline_run_id.in_(runs)))
    artifact_ids = sorted({row.artifact_id for row in doomed})
    for start in range(0, len(artifact_ids), _CHUNK):
        chunk = artifact_ids[start : start + _CHUNK]
        # Wait for writers adding a version to these artifacts (they hold the artifact row
        # lock, see `artifacts.insert_version`) before asking which are empty: the emptiness
        # check, a statement of its own, then sees their versions on PostgreSQL too, and an
        # artifact never goes (cascading to its versions) with a version just written.
        # Locked in id order, as `lock_artifacts` does, so that the two never deadlock.
        connection.execute(
            select(ARTIFACTS.c.id)
            .where(ARTIFACTS.c.id.in_(chunk))
            .order_by(ARTIFACTS.c.id)
            .with_for_update()
        )
        emptied = [
            ARTIFACTS.c.id.in_(chunk),
            ~exists().where(VERSIONS.c.artifact_id == ARTIFACTS.c.id),
        ]
        forget_resources(connection, "artifact", select(ARTIFACTS.c.id).where(*emptied))
        connection.execute(delete(ARTIFACTS).where(*emptied))
    connection.execute(delete(RUNS).where(RUNS.c.id.in_(runs)))
    return [row.uri for row in doomed] + [uri for uri in logs if uri]
