"""stepwell: machine-learning pipelines from plain Python functions.

`import stepwell` only defines names; each is imported on first use, so the import stays
light (no database, web or dataframe library is loaded until needed).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from stepwell.artifact_stores import known as _known_artifact_stores
from stepwell.model import plane as _model_plane_seam
from stepwell.steps import runtime as _runtime_seam
from stepwell.utils.heavy_imports import collector_paused as _collector_paused

__version__ = "0.1.0"

_EXPORTS = {
    "step": "stepwell.steps.decorator",
    "pipeline": "stepwell.pipelines.decorator",
    "get_step_context": "stepwell.steps.step_context",
    "StepContext": "stepwell.steps.step_context",
    "get_pipeline_context": "stepwell.pipelines.pipeline_context",
    "BaseStep": "stepwell.steps.base_step",
    "Pipeline": "stepwell.pipelines.pipeline",
    "Client": "stepwell.client",
    "ExecutionMode": "stepwell.enums",
    "ExecutionStatus": "stepwell.enums",
    "StepRetryConfig": "stepwell.config.retry_config",
    "BaseMaterializer": "stepwell.materializers.base_materializer",
    "unmapped": "stepwell.runs.dynamic_handles",
    "save_artifact": "stepwell.artifacts.utils",
    "load_artifact": "stepwell.artifacts.utils",
    "register_artifact": "stepwell.artifacts.utils",
    "ArtifactConfig": "stepwell.artifacts.artifact_config",
    "ExternalArtifact": "stepwell.artifacts.external_artifact",
    "log_metadata": "stepwell.utils.metadata_utils",
    "log_artifact_metadata": "stepwell.utils.metadata_shortcuts",
    "log_model_metadata": "stepwell.utils.metadata_shortcuts",
    "log_step_metadata": "stepwell.utils.metadata_shortcuts",
    "add_tags": "stepwell.utils.tag_utils",
    "remove_tags": "stepwell.utils.tag_utils",
    "Tag": "stepwell.utils.tag_utils",
    "Model": "stepwell.model.model",
    "link_artifact_to_model": "stepwell.model.utils",
}

__all__ = [*_EXPORTS, "__version__"]

if TYPE_CHECKING:
    from stepwell.artifacts.artifact_config import ArtifactConfig
    from stepwell.artifacts.external_artifact import ExternalArtifact
    from stepwell.artifacts.utils import load_artifact, register_artifact, save_artifact
    from stepwell.client import Client
    from stepwell.config.retry_config import StepRetryConfig
    from stepwell.enums import ExecutionMode, ExecutionStatus
    from stepwell.materializers.base_materializer import BaseMaterializer
    from stepwell.model.model import Model
    from stepwell.model.utils import link_artifact_to_model
    from stepwell.pipelines.decorator import pipeline
    from stepwell.pipelines.pipeline import Pipeline
    from stepwell.pipelines.pipeline_context import get_pipeline_context
    from stepwell.runs.dynamic_handles import unmapped
    from stepwell.steps.base_step import BaseStep
    from stepwell.steps.decorator import step
    from stepwell.steps.step_context import StepContext, get_step_context
    from stepwell.utils.metadata_shortcuts import (
        log_artifact_metadata,
        log_model_metadata,
        log_step_metadata,
    )
    from stepwell.utils.metadata_utils import log_metadata
    from stepwell.utils.tag_utils import Tag, add_tags, remove_tags


def _load_runtime() -> Any:
    """Make the runtime that runs pipelines and steps: the composition root, `stepwell.runs`,
    imported when the first run starts rather than by `import stepwell`."""
    with _collector_paused():
        from stepwell.runs.runtime import LocalRuntime

        return LocalRuntime()


def _load_model_plane() -> Any:
    """Make the model control plane behind `Model`'s methods, on their first use."""
    with _collector_paused():
        from stepwell.client.model_plane import StoreModelPlane

        return StoreModelPlane()


def _find_artifact_stores(uri: str) -> Any:
    """The registered artifact stores in `uri`'s bucket, so a bare URI is read with its
    store's endpoint and credentials (asked once per bucket, on the first such read)."""
    from stepwell.stack.artifact_store_finder import configured_stores_in_bucket

    return configured_stores_in_bucket(uri)


_runtime_seam.set_runtime_loader(_load_runtime)
_model_plane_seam.set_plane_loader(_load_model_plane)
_known_artifact_stores.set_finder(_find_artifact_stores)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'stepwell' has no attribute '{name}'")
    with _collector_paused():
        value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
