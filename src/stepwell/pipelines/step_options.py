"""`pipeline.with_options(steps={...})`: per-invocation step options given in code (define).

ZenML's `with_options` takes `steps=` (or its older name `step_configurations=`): for each
step invocation id, the options its run configuration's `steps.<id>` block may hold. They
become one more run configuration layer, laid over a `config_path=` file (code wins, as in
ZenML), so they are checked and merged exactly like the file's: unknown keys and unknown
invocation ids fail naming them. Hooks and materializers may be given as callables and
classes, as on `@step`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from stepwell.config.run_config import PipelineRunConfiguration
from stepwell.config.yaml_loader import parse_run_configuration
from stepwell.exceptions import ConfigurationError
from stepwell.logger import get_logger
from stepwell.steps.base_step import normalise_option

logger = get_logger(__name__)


def take_step_options(options: dict[str, Any], owner: str) -> PipelineRunConfiguration | None:
    """Pop `steps=`, `step_configurations=` and `unlisted=` from `with_options` keywords;
    return the run configuration layer the step options make (None if none were given)."""
    steps = options.pop("steps", None)
    step_configurations = options.pop("step_configurations", None)
    if options.pop("unlisted", False):
        logger.warning(
            "The `unlisted` option of %s is deprecated and has no effect (as in ZenML): every "
            "run belongs to its pipeline.",
            owner,
        )
    if steps and step_configurations:
        logger.warning(
            "%s: step options were given both as `step_configurations=` and `steps=`; "
            "using `step_configurations=` and ignoring `steps=` (as ZenML does).",
            owner,
        )
    chosen = step_configurations or steps
    if not chosen:
        return None
    if not isinstance(chosen, Mapping):
        raise ConfigurationError(
            f"steps= of {owner} must map step invocation ids to their options, e.g. "
            "steps={'trainer': {'enable_cache': False}}; got "
            f"{type(chosen).__name__}."
        )
    data = {
        str(invocation_id): _step_options(invocation_id, value, owner)
        for invocation_id, value in chosen.items()
    }
    return parse_run_configuration({"steps": data}, source=f"with_options(steps=...) of {owner}")


def _step_options(invocation_id: Any, value: Any, owner: str) -> dict[str, Any]:
    if isinstance(value, BaseModel):
        value = value.model_dump(exclude_unset=True)
    if not isinstance(value, Mapping):
        raise ConfigurationError(
            f"steps.{invocation_id} of {owner} must be a dict of step options, e.g. "
            f"{{'enable_cache': False}}; got {type(value).__name__}."
        )
    where = f"step '{invocation_id}' of {owner}"
    return {key: normalise_option(key, item, where) for key, item in value.items()}
