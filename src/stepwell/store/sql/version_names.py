"""Custom artifact versions: explicit numbers and names such as "v2" (layer: store).

`save_artifact(..., version=...)` and `ArtifactConfig(version=...)` ask for a version. A
number (`3`, `"3"`) is that version number; anything else is a version name kept in
`artifact_versions.version_name`, on a version that still gets the next number. Either must
be new for its artifact: a duplicate is an `EntityExistsError` naming both, raised inside the
writing transaction so that nothing is recorded (a step's bytes are then discarded).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Connection, select

from stepwell.exceptions import EntityExistsError, StoreError
from stepwell.store.sql.tables import VERSIONS


def is_number(version: int | str) -> bool:
    """Whether `version` names a version number rather than a version name."""
    if isinstance(version, bool):
        return False
    return isinstance(version, int) or str(version).strip().isdigit()


def choose_version(
    connection: Connection,
    artifact_id: UUID | None,
    next_number: int,
    version: int | str | None,
    artifact_name: str,
) -> tuple[int, str | None]:
    """The (number, name) of a new version of `artifact_id` (None: a new artifact)."""
    if version is None or str(version).strip() == "":
        return next_number, None
    if is_number(version):
        number = int(str(version).strip())
        if number < 1:
            raise StoreError(f"Artifact versions count from 1; {number} cannot be a version.")
        if artifact_id is not None and _exists(connection, artifact_id, VERSIONS.c.version, number):
            raise EntityExistsError(_taken(artifact_name, str(number)))
        return number, None
    name = str(version).strip()
    if artifact_id is not None and _exists(connection, artifact_id, VERSIONS.c.version_name, name):
        raise EntityExistsError(_taken(artifact_name, name))
    return next_number, name


def find_version(connection: Connection, artifact_id: UUID, version: int | str) -> Any:
    """The `artifact_versions` row of `artifact_id` with this number or name, or None."""
    value: int | str
    if is_number(version):
        column, value = VERSIONS.c.version, int(str(version).strip())
    else:
        column, value = VERSIONS.c.version_name, str(version).strip()
    return connection.execute(
        select(VERSIONS).where(VERSIONS.c.artifact_id == artifact_id, column == value)
    ).first()


def _exists(connection: Connection, artifact_id: UUID, column: Any, value: Any) -> bool:
    found = connection.execute(
        select(VERSIONS.c.id).where(VERSIONS.c.artifact_id == artifact_id, column == value)
    ).first()
    return found is not None


def _taken(artifact_name: str, version: str) -> str:
    return (
        f"Artifact '{artifact_name}' already has a version '{version}'; versions are unique "
        "per artifact. Choose another version, or leave version unset to get the next number."
    )
