"""`@pipeline(dynamic=True, depends_on=[...])`: the steps a dynamic pipeline declares (define).

A dynamic pipeline's steps are only known as its function runs, so a run configuration
could not be checked against them before the run. `depends_on` lists the steps the function
will call; each gets a template id (its name; `name_2`, ... for a second entry of the same
name, as invocation ids go). The run configuration's `steps:` may then only name template
ids, checked before the run starts, and every invocation of a listed step (also a copy made
with `with_options` inside the function, and each element of a `map`) takes the options of
its template's `steps.<id>` entry unless the run configuration has one for its own id.
The run configuration template lists these steps. As in ZenML.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from stepwell.config.run_config import PipelineRunConfiguration
from stepwell.exceptions import ConfigurationError, PipelineDefinitionError
from stepwell.logger import get_logger

logger = get_logger(__name__)


def checked_depends_on(name: str, dynamic: bool, depends_on: Any) -> list[Any]:
    """The `depends_on` steps of pipeline `name`, checked (a list of distinct steps)."""
    if not depends_on:
        return []
    if not dynamic:
        logger.warning(
            "Pipeline '%s': `depends_on` only applies to dynamic pipelines "
            "(@pipeline(dynamic=True)); ignoring it.",
            name,
        )
        return []
    if not isinstance(depends_on, Sequence) or isinstance(depends_on, str):
        raise PipelineDefinitionError(
            f"depends_on= of pipeline '{name}' must be a list of steps, not "
            f"{type(depends_on).__name__}."
        )
    seen: set[int] = set()
    for item in depends_on:
        static_id = getattr(item, "static_id", None)
        if static_id is None:
            raise PipelineDefinitionError(
                f"depends_on= of pipeline '{name}' holds {item!r}, which is not a step; list "
                "the @step functions the pipeline calls."
            )
        if static_id in seen:
            raise PipelineDefinitionError(
                f"Pipeline '{name}' depends on step '{item.name}' twice. Remove the duplicate "
                "from depends_on=; to use one step with two configurations, list "
                f"`{item.name}.with_options(...)` as the second entry."
            )
        seen.add(static_id)
    return list(depends_on)


def template_ids(steps: Sequence[Any]) -> dict[int, str]:
    """Each `depends_on` step's template id, by its static id: its name, then `name_2`, ..."""
    ids: dict[int, str] = {}
    taken: set[str] = set()
    for step in steps:
        candidate, counter = step.name, 2
        while candidate in taken:
            candidate, counter = f"{step.name}_{counter}", counter + 1
        taken.add(candidate)
        ids[step.static_id] = candidate
    return ids


def check_template_keys(
    pipeline: str,
    steps: Sequence[Any],
    run_config: PipelineRunConfiguration | None,
    source: str,
) -> None:
    """Before a dynamic run starts: every `steps.<id>` of its run configuration names one of
    its `depends_on` templates (nothing to check when it declares none)."""
    if not steps or run_config is None:
        return
    known = sorted(template_ids(steps).values())
    unknown = sorted(set(run_config.steps) - set(known))
    if unknown:
        raise ConfigurationError(
            f"{source}: steps.{unknown[0]}: dynamic pipeline '{pipeline}' has no step "
            f"'{unknown[0]}' in depends_on; the steps it declares are {known}. Add the step "
            "to @pipeline(depends_on=[...]) or remove the entry."
        )
