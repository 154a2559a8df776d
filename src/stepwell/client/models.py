"""The Client's model control plane: models, model versions, stages and links (read layer).

ZenML's Client calls with the same names and arguments: `create_model`, `get_model`,
`list_models`, `update_model`, `delete_model`, `create_model_version`,
`get_model_version(model, version_name_or_number_or_id_or_stage)`, `list_model_versions`,
`update_model_version` (name, description, stage with `force`, tags),
`delete_model_version`, and the artifact and run links of a version. List calls take the
same paging, sorting and filters as every other list call.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from stepwell.client.base import ClientBase
from stepwell.enums import ModelStages
from stepwell.store.model_records import (
    ModelResponse,
    ModelVersionArtifactLink,
    ModelVersionPipelineRunLink,
    ModelVersionResponse,
)
from stepwell.store.page import Page


class ModelsMixin(ClientBase):
    """Models and their versions, as in ZenML's Client."""

    # -- models --------------------------------------------------------------------------------
    def create_model(
        self,
        name: str,
        license: str | None = None,
        description: str | None = None,
        audience: str | None = None,
        use_cases: str | None = None,
        limitations: str | None = None,
        trade_offs: str | None = None,
        ethics: str | None = None,
        tags: list[str] | None = None,
        save_models_to_registry: bool = True,
    ) -> ModelResponse:
        """A new model with its model card (EntityExistsError if the name is taken)."""
        return self.store.create_model(
            name=name,
            tags=tags,
            save_models_to_registry=save_models_to_registry,
            license=license,
            description=description,
            audience=audience,
            use_cases=use_cases,
            limitations=limitations,
            trade_offs=trade_offs,
            ethics=ethics,
        )

    def get_model(
        self, model_name_or_id: str | UUID, hydrate: bool = True, bypass_lazy_loader: bool = False
    ) -> ModelResponse:
        """A model by name, id or unique id prefix."""
        return self.store.get_model(model_name_or_id)

    def list_models(
        self,
        sort_by: str = "created",
        page: int = 1,
        size: int = 50,
        logical_operator: str = "and",
        hydrate: bool = False,
        tags: Any = None,
        **filters: Any,
    ) -> Page[ModelResponse]:
        """A page of models; filter by `name`, `created`, `license`, ... and `tags`."""
        return self.store.list_models(
            sort_by=sort_by,
            page=page,
            size=size,
            logical_operator=logical_operator,
            tags=tags,
            **filters,
        )

    def update_model(
        self,
        model_name_or_id: str | UUID,
        name: str | None = None,
        license: str | None = None,
        description: str | None = None,
        audience: str | None = None,
        use_cases: str | None = None,
        limitations: str | None = None,
        trade_offs: str | None = None,
        ethics: str | None = None,
        add_tags: list[str] | None = None,
        remove_tags: list[str] | None = None,
        save_models_to_registry: bool | None = None,
    ) -> ModelResponse:
        """Change a model's name, model card or tags (fields left None stay)."""
        model = self.store.get_model(model_name_or_id)
        return self.store.update_model(
            model.id,
            name=name,
            add_tags=add_tags,
            remove_tags=remove_tags,
            save_models_to_registry=save_models_to_registry,
            license=license,
            description=description,
            audience=audience,
            use_cases=use_cases,
            limitations=limitations,
            trade_offs=trade_offs,
            ethics=ethics,
        )

    def delete_model(self, model_name_or_id: str | UUID) -> None:
        """Delete a model and its versions; their artifact versions and runs stay."""
        self.store.delete_model(self.store.get_model(model_name_or_id).id)

    # -- versions ------------------------------------------------------------------------------
    def create_model_version(
        self,
        model_name_or_id: str | UUID,
        name: str | None = None,
        description: str | None = None,
        tags: list[str] | None = None,
    ) -> ModelVersionResponse:
        """A new version of a model, numbered one past its newest (named `name` if given)."""
        model = self.store.get_model(model_name_or_id)
        return self.store.create_model_version(
            model_id=model.id, name=name, description=description, tags=tags
        )

    def get_model_version(
        self,
        model_name_or_id: str | UUID | None = None,
        model_version_name_or_number_or_id: str | int | ModelStages | UUID | None = None,
        hydrate: bool = True,
    ) -> ModelVersionResponse:
        """A version by id, number, stage (`"production"`, `ModelStages.LATEST`) or name;
        the newest without one. Without a model, the version must be given by id."""
        return self.store.get_model_version(model_name_or_id, model_version_name_or_number_or_id)

    def list_model_versions(
        self,
        model: str | UUID | None = None,
        model_name_or_id: str | UUID | None = None,
        sort_by: str = "number",
        page: int = 1,
        size: int = 50,
        logical_operator: str = "and",
        hydrate: bool = False,
        tags: Any = None,
        **filters: Any,
    ) -> Page[ModelVersionResponse]:
        """A page of model versions (of one model when `model` or `model_name_or_id` is
        given); filter by `name`, `number`, `stage`, `created`, ... and `tags`."""
        return self.store.list_model_versions(
            model=model_name_or_id if model_name_or_id is not None else model,
            sort_by=sort_by,
            page=page,
            size=size,
            logical_operator=logical_operator,
            tags=tags,
            **filters,
        )

    def update_model_version(
        self,
        model_name_or_id: str | UUID,
        version_name_or_id: str | int | UUID,
        stage: str | ModelStages | None = None,
        force: bool = False,
        name: str | None = None,
        description: str | None = None,
        add_tags: list[str] | None = None,
        remove_tags: list[str] | None = None,
    ) -> ModelVersionResponse:
        """Rename, describe, tag or promote a version. Moving it to a stage another version
        holds needs `force=True`; that version then becomes archived."""
        version = self.store.get_model_version(model_name_or_id, version_name_or_id)
        return self.store.update_model_version(
            version.id,
            name=name,
            description=description,
            stage=stage,
            force=force,
            add_tags=add_tags,
            remove_tags=remove_tags,
        )

    def delete_model_version(self, model_version_id: UUID) -> None:
        """Delete a model version and its links; its artifact versions and runs stay."""
        self.store.delete_model_version(model_version_id)

    # -- links ---------------------------------------------------------------------------------
    def list_model_version_artifact_links(
        self,
        sort_by: str = "created",
        page: int = 1,
        size: int = 50,
        logical_operator: str = "and",
        hydrate: bool = False,
        **filters: Any,
    ) -> Page[ModelVersionArtifactLink]:
        """A page of artifact links; filter by `model_version_id`, `artifact_version_id`,
        `artifact_name`, and `only_data_artifacts` / `only_model_artifacts` /
        `only_deployment_artifacts`."""
        return self.store.list_model_version_artifact_links(
            sort_by=sort_by, page=page, size=size, logical_operator=logical_operator, **filters
        )

    def delete_model_version_artifact_link(
        self, model_version_id: UUID, artifact_version_id: UUID
    ) -> None:
        """Take one artifact version off a model version (the artifact version stays)."""
        self.store.unlink_artifacts_from_model_version(model_version_id, [artifact_version_id])

    def delete_all_model_version_artifact_links(
        self, model_version_id: UUID, only_links: bool = True
    ) -> None:
        """Take every artifact version off a model version."""
        self.store.unlink_artifacts_from_model_version(model_version_id, None)

    def list_model_version_pipeline_run_links(
        self,
        sort_by: str = "created",
        page: int = 1,
        size: int = 50,
        logical_operator: str = "and",
        hydrate: bool = False,
        **filters: Any,
    ) -> Page[ModelVersionPipelineRunLink]:
        """A page of run links; filter by `model_version_id`, `pipeline_run_id`,
        `pipeline_run_name`."""
        return self.store.list_model_version_pipeline_run_links(
            sort_by=sort_by, page=page, size=size, logical_operator=logical_operator, **filters
        )
