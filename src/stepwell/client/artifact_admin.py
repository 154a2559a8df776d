"""The Client's artifact housekeeping: tag, delete and prune artifact versions (read layer).

Records go before bytes: a version's record is deleted first and its bytes afterwards, so
nobody can read a record whose bytes are gone. A version that a step run read or wrote is
part of that run and cannot be deleted (as in ZenML); deleting the run releases it.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from stepwell.client.base import ClientBase
from stepwell.logger import get_logger
from stepwell.store.base import Store
from stepwell.store.models import ArtifactVersionResponse

logger = get_logger(__name__)
ARTIFACT_VERSION = "artifact_version"


class ArtifactAdminMixin(ClientBase):
    """Changing and removing artifacts and artifact versions."""

    def update_artifact_version(
        self,
        name_id_or_prefix: str | UUID,
        version: str | int | None = None,
        add_tags: list[str] | None = None,
        remove_tags: list[str] | None = None,
    ) -> ArtifactVersionResponse:
        """Add or remove tags of an artifact version (by artifact name + version, or id)."""
        found = self.store.get_artifact_version(name_id_or_prefix, version)
        if add_tags:
            self.store.add_tags(
                list(add_tags), resource_type=ARTIFACT_VERSION, resource_id=found.id
            )
        if remove_tags:
            self.store.remove_tags(
                list(remove_tags), resource_type=ARTIFACT_VERSION, resource_id=found.id
            )
        return self.store.get_artifact_version(found.id)

    def delete_artifact_version(
        self,
        name_id_or_prefix: str | UUID,
        version: str | int | None = None,
        delete_metadata: bool = True,
        delete_from_artifact_store: bool = False,
    ) -> None:
        """Delete an artifact version's record (refused while a step run links it) and,
        with `delete_from_artifact_store`, its bytes."""
        found = self.store.get_artifact_version(name_id_or_prefix, version)
        if delete_metadata:
            self.store.delete_artifact_version(found.id)
        if delete_from_artifact_store:
            remove_bytes(self.store, [found])
        logger.info("Deleted version %s of artifact '%s'.", found.version, found.name)

    def delete_artifact(self, name_id_or_prefix: str | UUID) -> None:
        """Delete an artifact and its versions' records (their bytes stay). Refused while a
        step run links one of its versions."""
        artifact = self.store.get_artifact(name_id_or_prefix)
        self.store.delete_artifact(artifact.id)
        logger.info("Deleted artifact '%s'.", artifact.name)

    def prune_artifacts(
        self, only_versions: bool = True, delete_from_artifact_store: bool = False
    ) -> int:
        """Delete every artifact version no step run links (and, with `only_versions=False`,
        every artifact left without versions); with `delete_from_artifact_store`, their bytes.
        Bytes that no record points to (outputs of runs that died, stale staging folders) go
        too (`client/orphans.py`). Returns how many versions were deleted."""
        from stepwell.client.orphans import sweep_orphans

        deleted = self.store.prune_artifact_versions(only_versions=only_versions)
        if delete_from_artifact_store:
            remove_bytes(self.store, deleted)
            from stepwell.snapshots.code_cleanup import prune_code

            prune_code(self.store)  # code archives no snapshot references any more
        logger.info("Deleted %d unused artifact version(s).", len(deleted))
        sweep_orphans(self.store)
        return len(deleted)


def remove_bytes(store: Store, versions: Iterable[ArtifactVersionResponse]) -> None:
    """Remove the bytes of deleted versions, only inside the known artifact stores (a row of
    a shared store may name any path); a failure is logged, never raised, since the records
    are gone already and leftover bytes harm nobody."""
    from stepwell.artifact_stores.containment import remove_inside
    from stepwell.store.artifact_roots import known_artifact_roots

    roots = known_artifact_roots(store)
    for version in versions:
        try:
            remove_inside(roots, version.uri)
        except Exception as error:
            logger.warning("Could not remove the bytes at %s: %s", version.uri, error)
