"""`stepwell.models`: the records the Client returns, where ZenML users look for them.

ZenML's `zenml.models` holds its response models and `Page`; code ported from ZenML imports
them from here. The models themselves live in the store layer (`stepwell.store.models`,
`stepwell.store.page`); this module only re-exports them.
"""

from __future__ import annotations

from stepwell.metadata.resources import RunMetadataResource
from stepwell.stack.flavor_records import FlavorResponse
from stepwell.store.model_records import (
    ModelResponse,
    ModelVersionArtifactLink,
    ModelVersionPipelineRunLink,
    ModelVersionResponse,
)
from stepwell.store.models import (
    ArtifactResponse,
    ArtifactVersionResponse,
    PipelineResponse,
    PipelineRunResponse,
    SnapshotResponse,
    StackComponentResponse,
    StackResponse,
    StepRunResponse,
)
from stepwell.store.page import Page

# ZenML's names for the same records.
PipelineSnapshotResponse = SnapshotResponse
ComponentResponse = StackComponentResponse
ModelVersionArtifactResponse = ModelVersionArtifactLink
ModelVersionPipelineRunResponse = ModelVersionPipelineRunLink

__all__ = [
    "ArtifactResponse",
    "ArtifactVersionResponse",
    "ComponentResponse",
    "FlavorResponse",
    "ModelResponse",
    "ModelVersionArtifactLink",
    "ModelVersionArtifactResponse",
    "ModelVersionPipelineRunLink",
    "ModelVersionPipelineRunResponse",
    "ModelVersionResponse",
    "Page",
    "PipelineResponse",
    "PipelineRunResponse",
    "PipelineSnapshotResponse",
    "RunMetadataResource",
    "SnapshotResponse",
    "StackComponentResponse",
    "StackResponse",
    "StepRunResponse",
]
