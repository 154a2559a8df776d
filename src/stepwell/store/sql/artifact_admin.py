"""Deleting and pruning artifacts and artifact versions in the SQL store (layer: store).

A version that a step run reads or wrote is part of that run's record: deleting it would
leave the run with a hole, so it is refused (delete the run first, as in ZenML). Unused
versions (linked to no step run) can go one by one or all at once (`prune`). Each method is
one transaction that also removes the version's tag links and logged metadata (those tables
have no foreign key to it), and returns what it deleted so that the caller can remove the
bytes afterwards: records go before bytes, so nobody ever reads a record without its bytes.
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import Connection, delete, exists, select, union_all

from stepwell.exceptions import EntityInUseError
from stepwell.store.models import ArtifactVersionResponse
from stepwell.store.row_conversions import as_uuid, version_response
from stepwell.store.sql.common import SqlStoreBase
from stepwell.store.sql.model_tables import MODEL_VERSION_ARTIFACTS
from stepwell.store.sql.queries import by_id
from stepwell.store.sql.tables import (
    ARTIFACTS,
    RUN_METADATA,
    STEP_INPUTS,
    STEP_OUTPUTS,
    TAG_RESOURCES,
    VERSIONS,
)

_CHUNK = 500
# In use: read or written by a step run, or part of a model version.
_LINKED = union_all(
    select(STEP_INPUTS.c.artifact_version_id),
    select(STEP_OUTPUTS.c.artifact_version_id),
    select(MODEL_VERSION_ARTIFACTS.c.artifact_version_id),
)


class ArtifactAdminMethods(SqlStoreBase):
    """Deleting artifacts and their versions; pruning the unused ones."""

    def delete_artifact_version(self, version_id: UUID) -> ArtifactVersionResponse:
        """Delete an unused artifact version's record; EntityInUseError if a step run links it."""

        def work(connection: Connection) -> ArtifactVersionResponse:
            row = by_id(connection, VERSIONS, as_uuid(version_id), "artifact version")
            name = connection.scalar(
                select(ARTIFACTS.c.name).where(ARTIFACTS.c.id == row["artifact_id"])
            )
            if _is_linked(connection, row["id"]):
                raise EntityInUseError(
                    f"Version {row['version']} of artifact '{name}' ({row['id']}) is an input "
                    "or output of a step run, so its record cannot be deleted. Delete the runs "
                    "that use it first (`Client().delete_pipeline_run(...)`)."
                )
            _delete_versions(connection, [row["id"]])
            return version_response(row, name or "", self._store())

        return self._db.write(work)

    def delete_artifact(self, artifact_id: UUID) -> list[ArtifactVersionResponse]:
        """Delete an artifact and all its versions, none of which a step run may link."""

        def work(connection: Connection) -> list[ArtifactVersionResponse]:
            artifact = by_id(connection, ARTIFACTS, as_uuid(artifact_id), "artifact")
            rows = connection.execute(
                select(VERSIONS).where(VERSIONS.c.artifact_id == artifact["id"])
            ).all()
            linked = [row.version for row in rows if _is_linked(connection, row.id)]
            if linked:
                raise EntityInUseError(
                    f"Artifact '{artifact['name']}' has version(s) {sorted(linked)} that step "
                    "runs read or wrote, so it cannot be deleted. Delete those runs first, or "
                    "delete its unused versions with delete_artifact_version / prune_artifacts."
                )
            _delete_versions(connection, [row.id for row in rows])
            _delete_artifacts(connection, [artifact["id"]])
            return [version_response(r._mapping, artifact["name"], self._store()) for r in rows]

        return self._db.write(work)

    def prune_artifact_versions(self, only_versions: bool = True) -> list[ArtifactVersionResponse]:
        """Delete every version that no step run and no model version links; with
        `only_versions=False` also every artifact left without versions. Returns the
        deleted versions."""

        def work(connection: Connection) -> list[ArtifactVersionResponse]:
            rows = connection.execute(
                select(VERSIONS, ARTIFACTS.c.name.label("artifact_name"))
                .join(ARTIFACTS, ARTIFACTS.c.id == VERSIONS.c.artifact_id)
                .where(VERSIONS.c.id.not_in(_LINKED))
            ).all()
            _delete_versions(connection, [row.id for row in rows])
            if not only_versions:
                empty = connection.scalars(
                    select(ARTIFACTS.c.id).where(
                        ~exists().where(VERSIONS.c.artifact_id == ARTIFACTS.c.id)
                    )
                ).all()
                _delete_artifacts(connection, list(empty))
            return [
                version_response(row._mapping, row.artifact_name, self._store()) for row in rows
            ]

        return self._db.write(work)


def _is_linked(connection: Connection, version_id: UUID) -> bool:
    for link in (STEP_INPUTS, STEP_OUTPUTS):
        found = connection.execute(
            select(link.c.step_run_id).where(link.c.artifact_version_id == version_id).limit(1)
        ).first()
        if found is not None:
            return True
    return False


def _delete_versions(connection: Connection, ids: list[UUID]) -> None:
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        for table in (TAG_RESOURCES, RUN_METADATA):
            connection.execute(
                delete(table).where(
                    table.c.resource_type == "artifact_version", table.c.resource_id.in_(chunk)
                )
            )
        connection.execute(delete(VERSIONS).where(VERSIONS.c.id.in_(chunk)))


def _delete_artifacts(connection: Connection, ids: list[UUID]) -> None:
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        connection.execute(
            delete(TAG_RESOURCES).where(
                TAG_RESOURCES.c.resource_type == "artifact", TAG_RESOURCES.c.resource_id.in_(chunk)
            )
        )
        connection.execute(delete(ARTIFACTS).where(ARTIFACTS.c.id.in_(chunk)))
