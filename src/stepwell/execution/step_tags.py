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
from stepwell.steps.deferred_writes import DeferredWrite

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


def record_deferred(store: Any, writes: Sequence[DeferredWrite], step_name: str) -> None:
    """Write what a step logged on its step run, its run or other resources.

    The step checked each request when it made it; one that can no longer be written (its
    target was deleted meanwhile) is logged and does not change the step's status.
    """
    if not writes:
        return
    try:
        store.record_deferred_writes(writes)
    except Exception as error:  # the step's outcome is already decided and recorded
        logger.error("Could not record the metadata and tags step %s logged: %s", step_name, error)
