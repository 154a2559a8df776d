"""Step outputs between writing and recording: names, grouping, discarding (launch).

The worker writes bytes; the orchestrating process records them. This module holds the small
steps in between that concern artifacts: filling in dynamic artifact names from the run's
start time and substitutions, grouping the saved outputs (declared ones and those saved with
`save_artifact` inside the step) by output name for the store, and removing the bytes of
outputs that will not be recorded (a failed step, a duplicate custom version).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from stepwell.artifact_stores.base import BaseArtifactStore
from stepwell.artifacts.names import is_template, resolve_artifact_name
from stepwell.compiler.spec import InvocationSpec
from stepwell.execution.outputs import SavedOutput, version_fields
from stepwell.logger import get_logger

logger = get_logger(__name__)


@dataclass
class RegisteredOutput(SavedOutput):
    """Data that was in the artifact store already (`register_artifact`): recorded like an
    output, but never removed when its record is not written."""

    preexisting: bool = True


def with_run_names(invocation: InvocationSpec, run: Any) -> InvocationSpec:
    """`invocation` with its outputs' artifact-name templates filled in for `run`."""
    if not any(is_template(out.artifact_name) for out in invocation.outputs):
        return invocation
    substitutions = dict(getattr(run.config, "substitutions", {}) or {})
    outputs = tuple(
        out.model_copy(
            update={
                "artifact_name": resolve_artifact_name(
                    out.artifact_name, run.start_time, substitutions
                )
            }
        )
        for out in invocation.outputs
    )
    return invocation.model_copy(update={"outputs": outputs})


def grouped_fields(
    outputs: Iterable[SavedOutput], step_run_id: UUID | None
) -> dict[str, list[dict[str, Any]]]:
    """The version records of `outputs` by output name, in saving order (a step may save
    several versions under one name with `save_artifact`)."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for item in outputs:
        grouped.setdefault(item.name, []).append(version_fields(item, step_run_id))
    return grouped


def discard_bytes(artifact_store: BaseArtifactStore, outputs: Iterable[SavedOutput]) -> None:
    """Remove the bytes of outputs that will not be recorded; registered data that was in
    the artifact store before the step ran is left alone."""
    for item in outputs:
        if getattr(item, "preexisting", False):
            continue
        try:
            artifact_store.remove(item.uri)
        except Exception as error:  # best effort: an orphan folder is harmless
            logger.warning("Could not remove unrecorded artifact bytes at %s: %s", item.uri, error)


def tag_recorded(
    store: Any, recorded: dict[str, list[Any]], outputs: Iterable[SavedOutput]
) -> None:
    """Put each saved output's tags (`ArtifactConfig(tags=...)`, `save_artifact(tags=...)`)
    on the artifact version recorded for it."""
    by_name: dict[str, list[SavedOutput]] = {}
    for item in outputs:
        by_name.setdefault(item.name, []).append(item)
    for name, items in by_name.items():
        for item, version in zip(items, recorded.get(name, []), strict=False):
            if item.tags:
                store.add_tags(
                    list(item.tags), resource_type="artifact_version", resource_id=version.id
                )
