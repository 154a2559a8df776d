"""Artifacts and artifact versions in the SQL metadata store (layer: store).

In the define -> compile -> orchestrate -> launch -> store -> read flow a step's outputs are
recorded here once their bytes are written: each save of an artifact name gets the next
version number (1, 2, 3, ... without gaps, even with several processes saving at once).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Connection, bindparam, func, select, update

from stepwell.enums import ArtifactType
from stepwell.exceptions import EntityNotFoundError, StoreError
from stepwell.store.models import ArtifactResponse, ArtifactVersionResponse
from stepwell.store.new_rows import version_row
from stepwell.store.row_conversions import Row, artifact_response, version_response
from stepwell.store.sql.common import SqlStoreBase, write_new_version
from stepwell.store.sql.metadata import insert_metadata
from stepwell.store.sql.queries import parse_uuid, resolve
from stepwell.store.sql.tables import ARTIFACTS, VERSIONS, utc_now
from stepwell.store.sql.version_names import choose_version, find_version, is_number


def _version_number(version: int | str) -> int:
    if isinstance(version, bool):
        raise StoreError(f"Artifact version must be a number, not {version!r}.")
    try:
        number = int(version)
    except (TypeError, ValueError):
        raise StoreError(f"Artifact version must be a number, not {version!r}.") from None
    if number < 1:
        raise StoreError(f"Artifact versions count from 1; {number} cannot exist.")
    return number


# Statements built once (see queries.py). Concurrent writers of one name queue up on the
# artifact row's lock (on PostgreSQL; SQLite has one writer at a time anyway). The latest
# number is read by a statement of its own, AFTER the lock is held: under READ COMMITTED each
# statement reads a fresh snapshot, whereas a number computed in the locking statement comes
# from the snapshot taken before it waited, misses the previous holder's version and
# collides with it (`uq_artifact_versions_artifact_id_version`).
_LOCK_ARTIFACT = (
    select(ARTIFACTS.c.id, ARTIFACTS.c.has_custom_name)
    .where(ARTIFACTS.c.name == bindparam("name"))
    .with_for_update()
)
_LATEST_NUMBER = select(func.max(VERSIONS.c.version)).where(
    VERSIONS.c.artifact_id == bindparam("artifact_id")
)
_INSERT_ARTIFACT = ARTIFACTS.insert()
_INSERT_VERSION = VERSIONS.insert()
_MARK_CUSTOM = (
    update(ARTIFACTS).where(ARTIFACTS.c.id == bindparam("b_id")).values(has_custom_name=True)
)
_LATEST_OF = (
    select(VERSIONS)
    .join(ARTIFACTS, ARTIFACTS.c.id == VERSIONS.c.artifact_id)
    .where(ARTIFACTS.c.name == bindparam("name"))
    .order_by(VERSIONS.c.version.desc())
    .limit(1)
)


def lock_artifacts(connection: Connection, names: list[str]) -> None:
    """Lock the existing artifacts of `names` in id order, inside the caller's transaction.

    A transaction that adds versions to several artifacts takes their locks up front, in the
    same order as a run deletion does, so that the two queue up instead of deadlocking.
    """
    if len(names) > 1:
        connection.execute(
            select(ARTIFACTS.c.id)
            .where(ARTIFACTS.c.name.in_(sorted(names)))
            .order_by(ARTIFACTS.c.id)
            .with_for_update()
        )


def insert_version(
    connection: Connection,
    *,
    name: str,
    uri: str,
    data_type: str,
    materializer: str,
    has_custom_name: bool = False,
    type: ArtifactType = ArtifactType.DATA,
    content_hash: str | None = None,
    size: int | None = None,
    producer_step_run_id: UUID | None = None,
    run_metadata: dict[str, Any] | None = None,
    visualizations: list[dict[str, Any]] | None = None,
    version: int | str | None = None,
    digest: str | None = None,
    load_options: dict[str, Any] | None = None,
    id: UUID | str | None = None,  # the field of the record, as callers pass it
) -> Row:
    """Insert the next version of artifact `name` (creating the artifact on first use), inside
    the caller's transaction. Writers of an existing artifact wait for each other's commit; two
    writers creating the same new artifact at once make one of them raise IntegrityError.
    `version` asks for a number or a name (see `version_names`); a taken one raises
    EntityExistsError. `id` is the id the caller chose for it (over REST it arrives as
    text), else a new one."""
    now = utc_now()
    artifact = connection.execute(_LOCK_ARTIFACT, {"name": name}).first()
    if artifact is None:
        # A concurrent first writer of this name makes this insert a unique violation; the
        # caller's `write_new_version` retries, and the retry finds (and locks) its artifact.
        artifact_id, number = uuid4(), 1
        connection.execute(
            _INSERT_ARTIFACT,
            {"id": artifact_id, "name": name, "has_custom_name": has_custom_name, "created": now},
        )
    else:
        latest = connection.execute(_LATEST_NUMBER, {"artifact_id": artifact.id}).scalar()
        artifact_id, number = artifact.id, (latest or 0) + 1
        if has_custom_name and not artifact.has_custom_name:
            connection.execute(_MARK_CUSTOM, {"b_id": artifact_id})
    existing = artifact.id if artifact is not None else None
    number, version_name = choose_version(connection, existing, number, version, name)
    values = version_row(
        artifact_id=artifact_id,
        number=number,
        version_name=version_name,
        created=now,
        uri=uri,
        data_type=data_type,
        materializer=materializer,
        type=type,
        content_hash=content_hash,
        size=size,
        producer_step_run_id=producer_step_run_id,
        visualizations=visualizations,
        digest=digest,
        load_options=load_options,
        id=id,
    )
    connection.execute(_INSERT_VERSION, values)
    if run_metadata:
        insert_metadata(connection, "artifact_version", values["id"], run_metadata, None, now)
    return values


class ArtifactMethods(SqlStoreBase):
    """The artifact half of `SqlStore`."""

    def create_artifact_version(
        self,
        *,
        name: str,
        uri: str,
        data_type: str,
        materializer: str,
        has_custom_name: bool = False,
        type: ArtifactType = ArtifactType.DATA,
        content_hash: str | None = None,
        size: int | None = None,
        producer_step_run_id: UUID | None = None,
        run_metadata: dict[str, Any] | None = None,
        visualizations: list[dict[str, Any]] | None = None,
        version: int | str | None = None,
        digest: str | None = None,
        load_options: dict[str, Any] | None = None,
    ) -> ArtifactVersionResponse:
        """Record the next version of artifact `name` (created on first use), or the custom
        `version` (a number or a name; EntityExistsError when the artifact has it)."""
        fields: dict[str, Any] = {
            "version": version,
            "name": name,
            "uri": uri,
            "data_type": data_type,
            "materializer": materializer,
            "has_custom_name": has_custom_name,
            "type": type,
            "content_hash": content_hash,
            "size": size,
            "producer_step_run_id": producer_step_run_id,
            "run_metadata": run_metadata,
            "visualizations": visualizations,
            "digest": digest,
            "load_options": load_options,
        }

        def work(connection: Connection) -> Row:
            return insert_version(connection, **fields)

        # Two writers may take the same next version (or create the artifact) at once.
        row = write_new_version(self._db, work, f"record a version of '{name}'")
        return version_response(row, name, self._store())

    def get_artifact_version(
        self, name_or_id: str | UUID, version: int | str | None = None
    ) -> ArtifactVersionResponse:
        """A version by artifact name (+ `version`, default the latest), id or id prefix."""
        with self._db.read() as connection:
            if version is not None:
                if is_number(version):
                    _version_number(version)  # a clear error for 0 and negative numbers
                artifact = resolve(connection, ARTIFACTS, name_or_id, "artifact")
                row = find_version(connection, artifact["id"], version)
                if row is None:
                    raise EntityNotFoundError(
                        f"Artifact '{artifact['name']}' has no version '{version}'."
                    )
                return version_response(row._mapping, artifact["name"], self._store())
            value = name_or_id if isinstance(name_or_id, UUID) else str(name_or_id).strip()
            if isinstance(value, str) and parse_uuid(value) is None:
                found = connection.execute(_LATEST_OF, {"name": value}).first()
                if found is not None:
                    return version_response(found._mapping, value, self._store())
            try:
                row_map = resolve(connection, VERSIONS, value, "artifact version", by_name=False)
            except EntityNotFoundError:
                raise EntityNotFoundError(
                    f"No artifact named '{value}' and no artifact version with id '{value}' exists."
                ) from None
            artifact_name = connection.scalar(
                select(ARTIFACTS.c.name).where(ARTIFACTS.c.id == row_map["artifact_id"])
            )
        return version_response(row_map, artifact_name or "", self._store())

    def get_artifact(self, name_or_id: str | UUID) -> ArtifactResponse:
        """An artifact by name, id or unique id prefix."""
        with self._db.read() as connection:
            row = resolve(connection, ARTIFACTS, name_or_id, "artifact")
        return artifact_response(row, self._store())
