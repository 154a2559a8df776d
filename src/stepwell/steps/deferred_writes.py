"""Metadata and tags that a running step asks for, held until its outputs are recorded.

Workers never write to the metadata store (the orchestrating process is a run's only
writer): `log_metadata`, `add_tags` and `remove_tags` called inside a step resolve their
target (reading the store is fine) and append one of these to the step context. They travel
back in the attempt's result (they pickle) and the orchestrating process writes them in the
same transaction as the step's outputs (launch -> store).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal
from uuid import UUID

from stepwell.config.tags import Tag
from stepwell.metadata.wire import TypedMetadataDict


@dataclass(frozen=True)
class DeferredMetadata:
    """Metadata to log on resource `resource_id` of `resource_type` (a MetadataResourceTypes
    value); `publisher_step_run_id` is the step run that logged it."""

    resource_type: str
    resource_id: UUID
    metadata: TypedMetadataDict  # a dict; keeps its values' types over the REST API
    publisher_step_run_id: UUID | None = None
    kind: Literal["metadata"] = "metadata"  # tells the kinds apart when sent as JSON


@dataclass(frozen=True)
class DeferredTags:
    """Tags to add to (or, with `remove`, take off) a resource of `resource_type` (a
    TaggableResourceTypes value)."""

    resource_type: str
    resource_id: UUID
    tags: list[str | Tag] = field(default_factory=list)
    remove: bool = False
    kind: Literal["tags"] = "tags"


@dataclass(frozen=True)
class DeferredModelLink:
    """Artifact versions to link to model version `model_version_id`
    (`link_artifact_to_model` inside a step)."""

    model_version_id: UUID
    artifact_version_ids: tuple[UUID, ...]
    kind: Literal["model_link"] = "model_link"


@dataclass(frozen=True)
class DeferredStage:
    """Move model version `model_version_id` to `stage` (`set_stage` inside a step): checked
    when the step asked, applied with the step's outputs."""

    model_version_id: UUID
    stage: str
    force: bool = False
    kind: Literal["stage"] = "stage"


DeferredWrite = DeferredMetadata | DeferredTags | DeferredModelLink | DeferredStage
