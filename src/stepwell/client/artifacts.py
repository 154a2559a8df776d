"""The Client's artifacts and artifact versions."""

from __future__ import annotations

from uuid import UUID

from stepwell.client.base import ClientBase
from stepwell.store.models import ArtifactResponse, ArtifactVersionResponse, StepRunResponse


class ArtifactsMixin(ClientBase):
    """Artifacts, their versions and who consumed them."""

    def get_artifact(self, name_or_id: str | UUID) -> ArtifactResponse:
        return self.store.get_artifact(name_or_id)

    def get_artifact_version(
        self, name_id_or_prefix: str | UUID, version: int | str | None = None
    ) -> ArtifactVersionResponse:
        """An artifact version by artifact name (latest, or `version`) or by id."""
        return self.store.get_artifact_version(name_id_or_prefix, version)

    def list_artifact_consumers(
        self, artifact_version: ArtifactVersionResponse | UUID | str
    ) -> list[StepRunResponse]:
        """The step runs that read an artifact version as an input."""
        version_id = getattr(artifact_version, "id", artifact_version)
        return self.store.list_artifact_consumers(UUID(str(version_id)))
