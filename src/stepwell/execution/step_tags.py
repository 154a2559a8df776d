"""Which tags a step's outputs get, and recording what a step logged (launch).

An output's artifact version is tagged with what its `ArtifactConfig` asks, what the step
added (`add_tags(..., infer_artifact=True)`, `StepContext.add_output_tags`) and the
pipeline's cascading tags (`@pipeline(tags=[Tag(name=..., cascade=True)])`), as in ZenML.
The orchestrating process writes these, and the metadata and tags the step logged on other
resources, right after it records the step's outputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from stepwell.config.tags import Tag
from stepwell.execution.outputs import SavedOutput
from stepwell.logger import get_logger
from stepwell.steps.deferred_writes import DeferredWrite, describe, without_versions

logger = get_logger(__name__)


def cascading_tags(pipeline_config: Any) -> list[str]:
    """The names of the pipeline's tags that also go on every artifact version it makes."""
    tags = getattr(pipeline_config, "tags", None) or []
    return [tag.name for tag in tags if isinstance(tag, Tag) and tag.cascade]


def add_output_tags(
    saved: Iterable[SavedOutput], step_tags: Mapping[str, Sequence[str]], pipeline_config: Any
) -> None:
    """Add the step's own tags of each output, and the cascading ones, to what it is saved
    with (its `ArtifactConfig` tags)."""
    cascade = cascading_tags(pipeline_config)
    for item in saved:
        for tag in [*step_tags.get(item.name, ()), *cascade]:
            if tag not in item.tags:
                item.tags.append(tag)


def unrecorded_writes(
    writes: Sequence[DeferredWrite], outputs: Iterable[SavedOutput]
) -> list[DeferredWrite]:
    """What a step logged, minus what points at versions it saved that are not recorded
    (its attempt failed): links and metadata with nothing to point at."""
    return without_versions(writes, {o.version_id for o in outputs if o.version_id})


def record_deferred(store: Any, writes: Sequence[DeferredWrite], step_name: str) -> None:
    """Write what a failed or stopped attempt logged on its step run, its run or elsewhere.

    In one transaction; if one write fails (its target was deleted meanwhile), the others
    are written each on its own and each that fails is logged by name: one bad write never
    takes the rest with it. The step's outcome is decided already and does not change.
    """
    if not writes:
        return
    try:
        store.record_deferred_writes(writes)
        return
    except Exception:  # found out below, one write at a time
        pass
    for write in writes:
        try:
            store.record_deferred_writes([write])
        except Exception as error:  # logged; the others still go in
            logger.error(
                "Step %s logged %s, which cannot be recorded: %s",
                step_name,
                describe(write),
                error,
            )
