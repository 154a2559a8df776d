"""Links of the model control plane (layer: store): which artifact versions and runs belong
to a model version. Every function works inside the caller's transaction, so outputs are
linked in the transaction that records them, and linking twice is harmless.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import Connection, delete, select

from stepwell.store.sql.model_tables import MODEL_VERSION_ARTIFACTS, MODEL_VERSION_RUNS
from stepwell.store.sql.tables import utc_now


def link_to_model_version(
    connection: Connection, model_version_id: UUID, artifact_version_ids: Sequence[UUID]
) -> None:
    """Link these artifact versions to the model version (those linked already stay)."""
    wanted = list(dict.fromkeys(artifact_version_ids))
    if not wanted:
        return
    linked = set(
        connection.scalars(
            select(MODEL_VERSION_ARTIFACTS.c.artifact_version_id).where(
                MODEL_VERSION_ARTIFACTS.c.model_version_id == model_version_id,
                MODEL_VERSION_ARTIFACTS.c.artifact_version_id.in_(wanted),
            )
        )
    )
    now = utc_now()
    rows = [
        {"model_version_id": model_version_id, "artifact_version_id": item, "created": now}
        for item in wanted
        if item not in linked
    ]
    if rows:
        connection.execute(MODEL_VERSION_ARTIFACTS.insert(), rows)


def unlink_from_model_version(
    connection: Connection, model_version_id: UUID, artifact_version_ids: Sequence[UUID] | None
) -> None:
    """Take these artifact versions (None: all) off the model version."""
    statement = delete(MODEL_VERSION_ARTIFACTS).where(
        MODEL_VERSION_ARTIFACTS.c.model_version_id == model_version_id
    )
    if artifact_version_ids is not None:
        statement = statement.where(
            MODEL_VERSION_ARTIFACTS.c.artifact_version_id.in_(list(artifact_version_ids))
        )
    connection.execute(statement)


def link_run_to_model_version(connection: Connection, model_version_id: UUID, run_id: UUID) -> None:
    """Record that run `run_id` made or used the model version."""
    exists = connection.scalar(
        select(MODEL_VERSION_RUNS.c.pipeline_run_id).where(
            MODEL_VERSION_RUNS.c.model_version_id == model_version_id,
            MODEL_VERSION_RUNS.c.pipeline_run_id == run_id,
        )
    )
    if exists is None:
        connection.execute(
            MODEL_VERSION_RUNS.insert(),
            {"model_version_id": model_version_id, "pipeline_run_id": run_id, "created": utc_now()},
        )
