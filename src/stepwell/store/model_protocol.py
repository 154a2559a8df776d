"""The model control plane's part of the `Store` interface (layer: store).

Models, their versions, stages, and the artifact versions and runs linked to a version; see
`store.model_records` for the records and `store.sql.model_store` for the SQL side.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID

from stepwell.store.page import Page

if TYPE_CHECKING:
    from stepwell.enums import ModelStages
    from stepwell.store.model_records import (
        ModelResponse,
        ModelVersionArtifactLink,
        ModelVersionPipelineRunLink,
        ModelVersionRequest,
        ModelVersionResponse,
    )


class ModelStore(Protocol):
    """Model control plane operations."""

    def create_model(
        self,
        *,
        name: str,
        tags: Sequence[str] | None = None,
        save_models_to_registry: bool = True,
        **card: Any,
    ) -> ModelResponse: ...
    def get_model(self, name_or_id: str | UUID) -> ModelResponse: ...
    def list_models(self, **query: Any) -> Page[ModelResponse]: ...
    def update_model(
        self,
        model_id: UUID,
        *,
        name: str | None = None,
        add_tags: Sequence[str] | None = None,
        remove_tags: Sequence[str] | None = None,
        save_models_to_registry: bool | None = None,
        **card: Any,
    ) -> ModelResponse: ...
    def delete_model(self, model_id: UUID) -> None: ...
    def create_model_version(
        self,
        *,
        model_id: UUID,
        name: str | None = None,
        description: str | None = None,
        tags: Sequence[str] | None = None,
    ) -> ModelVersionResponse: ...
    # `version`: an id, number, stage or name; None for the newest. Without a model, an id.
    def get_model_version(
        self, model_name_or_id: str | UUID | None = None, version: Any = None
    ) -> ModelVersionResponse: ...
    def list_model_versions(
        self, *, model: str | UUID | None = None, **query: Any
    ) -> Page[ModelVersionResponse]: ...
    def update_model_version(
        self,
        version_id: UUID,
        *,
        name: str | None = None,
        description: str | None = None,
        stage: ModelStages | str | None = None,
        force: bool = False,
        add_tags: Sequence[str] | None = None,
        remove_tags: Sequence[str] | None = None,
    ) -> ModelVersionResponse: ...
    def delete_model_version(self, version_id: UUID) -> None: ...
    def link_artifacts_to_model_version(
        self, model_version_id: UUID, artifact_version_ids: Sequence[UUID]
    ) -> None: ...
    def unlink_artifacts_from_model_version(
        self, model_version_id: UUID, artifact_version_ids: Sequence[UUID] | None = None
    ) -> None: ...
    def list_model_version_artifact_links(self, **query: Any) -> Page[ModelVersionArtifactLink]: ...
    def list_model_version_pipeline_run_links(
        self, **query: Any
    ) -> Page[ModelVersionPipelineRunLink]: ...
    def resolve_model_version(self, request: ModelVersionRequest) -> ModelVersionResponse: ...
    def prepare_run_model_versions(
        self,
        run_id: UUID,
        requests: Sequence[ModelVersionRequest],
        run_model_key: str | None = None,
    ) -> dict[str, ModelVersionResponse]: ...
