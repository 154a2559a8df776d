"""Metadata and tags that a running step asks for, held until its outputs are recorded.

Workers never write to the metadata store (the orchestrating process is a run's only
writer): `log_metadata`, `add_tags` and `remove_tags` called inside a step resolve their
target (reading the store is fine) and append one of these to the step context. They travel
back in the attempt's result (they pickle) and the orchestrating process writes them in the
same transaction as the step's outputs (launch -> store), after them: a write may point at a
version the step saved (`save_artifact` chooses its id up front). A failed attempt's writes
are recorded without those that point at versions it never recorded.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
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


def describe(write: DeferredWrite) -> str:
    """What `write` asks for, in words, for errors that name the write that failed."""
    if isinstance(write, DeferredMetadata):
        return f"metadata {sorted(write.metadata)} on {write.resource_type} {write.resource_id}"
    if isinstance(write, DeferredTags):
        names = [getattr(tag, "name", tag) for tag in write.tags]
        action = "the removal of tags" if write.remove else "tags"
        return f"{action} {names} on {write.resource_type} {write.resource_id}"
    if isinstance(write, DeferredModelLink):
        ids = ", ".join(str(item) for item in write.artifact_version_ids)
        return f"the link of artifact version(s) {ids} to model version {write.model_version_id}"
    return f"the move of model version {write.model_version_id} to stage {write.stage!r}"


def without_versions(writes: Sequence[DeferredWrite], ids: Collection[UUID]) -> list[DeferredWrite]:
    """`writes` minus what they ask of artifact versions `ids`: versions a step saved but
    that were never recorded (its attempt failed), so nothing can point at them."""
    if not ids:
        return list(writes)
    kept: list[DeferredWrite] = []
    for write in writes:
        if isinstance(write, DeferredModelLink):
            linked = tuple(item for item in write.artifact_version_ids if item not in ids)
            if linked:
                kept.append(replace(write, artifact_version_ids=linked))
        elif not (
            isinstance(write, DeferredMetadata | DeferredTags)
            and write.resource_type == "artifact_version"
            and write.resource_id in ids
        ):
            kept.append(write)
    return kept
