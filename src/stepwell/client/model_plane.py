"""The model control plane behind `Model`'s methods (read layer; see `model/plane.py`).

Outside steps, every call reads or writes the store at once. Inside a running step, the
step's own model version is what `Model(name=...)` of the same model means, and changes
(stage moves, metadata, artifact links) are checked at once but written by the orchestrating
process with the step's outputs, like everything else a step logs (workers never write run
records). While a pipeline function is compiled, artifacts are named lazily (`model/lazy.py`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from stepwell.exceptions import ModelStageError
from stepwell.metadata.metadata_types import checked_metadata
from stepwell.model.model import Model
from stepwell.model.stages import EXCLUSIVE_STAGES, stage_value
from stepwell.steps.deferred_writes import DeferredMetadata, DeferredModelLink, DeferredStage
from stepwell.steps.runtime import current_trace
from stepwell.steps.step_context import _CURRENT, in_running_step
from stepwell.store.active import get_store
from stepwell.store.model_records import ModelVersionRequest, ModelVersionResponse


class StoreModelPlane:
    """`ModelPlane` on the active store, deferring a step's writes to its outputs' record."""

    def defining_pipeline(self) -> bool:
        return current_trace() is not None and not in_running_step()

    def step_model(self) -> Model | None:
        context = _CURRENT.get()
        return getattr(context, "_model", None) if context is not None else None

    def version_of(self, model: Model) -> ModelVersionResponse:
        own = self.step_model()
        if own is not None and own.name == model.name and model.version is None:
            return own.model_version
        return get_store().resolve_model_version(ModelVersionRequest.of(model))

    def version_by_id(self, version_id: UUID) -> ModelVersionResponse:
        return get_store().get_model_version(None, version_id)

    def set_stage(self, version_id: UUID, stage: str, force: bool) -> None:
        target = stage_value(stage)
        context = _CURRENT.get()
        if context is None:
            get_store().update_model_version(version_id, stage=target, force=force)
            return
        if not force and target in EXCLUSIVE_STAGES:
            _check_stage_free(version_id, target)
        context.deferred_writes.append(DeferredStage(version_id, target, force))

    def log_metadata(self, version_id: UUID, metadata: Mapping[str, Any]) -> None:
        values = checked_metadata(metadata)
        context = _CURRENT.get()
        if context is None:
            get_store().create_run_metadata(
                resource_type="model_version", resource_id=version_id, metadata=values
            )
            return
        context.deferred_writes.append(
            DeferredMetadata("model_version", version_id, values, context.step_run.id)
        )

    def link_artifacts(self, version_id: UUID, artifact_version_ids: Sequence[UUID]) -> None:
        context = _CURRENT.get()
        if context is None:
            get_store().link_artifacts_to_model_version(version_id, artifact_version_ids)
            return
        context.deferred_writes.append(DeferredModelLink(version_id, tuple(artifact_version_ids)))

    def unlink_artifacts(
        self, version_id: UUID, artifact_version_ids: Sequence[UUID] | None
    ) -> None:
        get_store().unlink_artifacts_from_model_version(version_id, artifact_version_ids)

    def delete_artifact_version(self, artifact_version_id: UUID, remove_bytes: bool) -> None:
        from stepwell.client import Client

        Client().delete_artifact_version(
            artifact_version_id, delete_from_artifact_store=remove_bytes
        )


def _check_stage_free(version_id: UUID, stage: str) -> None:
    """ModelStageError now, inside the step, when another version holds `stage`."""
    store = get_store()
    version = store.get_model_version(None, version_id)
    holders = store.list_model_versions(model=version.model_id, stage=stage, size=2)
    for holder in holders:
        if holder.id != version.id:
            raise ModelStageError(
                f"Version {holder.name} of model '{version.model_name}' is in {stage}; moving "
                f"version {version.name} there would take it away. Pass force=True to move "
                f"it: version {holder.name} becomes archived."
            )
