"""Configuration precedence, resolved in one place (pure).

Layers, weakest first: the decorator < `configure(...)` / `with_options(...)` < a YAML file
given with `with_options(config_path=...)` < a trigger's run configuration. A step's own
configuration wins over its pipeline's (`inherit_from_pipeline`). Layers are laid on top
of each other field by field, using only the fields that were set (`model_fields_set`), so
legitimate falsy values such as `enable_cache: false` count; dict fields merge key by key.

Which fields exist, merge as dicts, or pass from a pipeline to its steps is read from the
configuration models themselves, never from a list kept by hand.
"""

from __future__ import annotations

from typing import Any, get_origin

from pydantic import BaseModel

from stepwell.config.pipeline_config import PipelineConfig
from stepwell.config.run_config import PipelineRunConfiguration, StepRunConfiguration
from stepwell.config.step_config import StepConfig


def _dict_fields(*models: type[BaseModel]) -> frozenset[str]:
    """Fields annotated as dicts: layers merge them key by key."""
    return frozenset(
        name
        for model in models
        for name, info in model.model_fields.items()
        if get_origin(info.annotation) is dict
    )


DICT_FIELDS = _dict_fields(StepConfig, PipelineConfig, PipelineRunConfiguration)
# List fields whose layers add up instead of replacing each other: `with_options(tags=...)`
# and YAML `tags:` add to the decorator's tags, as in ZenML.
ADDED_LIST_FIELDS = frozenset({"tags"})


def added(current: list[Any], more: Any) -> list[Any]:
    """`current` followed by the items of `more` it does not hold yet."""
    result = list(current)
    for item in more or []:
        if item not in result:
            result.append(item)
    return result


STEP_OPTIONS = frozenset(StepConfig.model_fields)
PIPELINE_OPTIONS = frozenset(PipelineConfig.model_fields)
# What a step takes from its pipeline when it does not set it itself: every field the two
# models share, except the pipeline's own identity and its parameters.
INHERITED_BY_STEPS = frozenset(
    (STEP_OPTIONS & PIPELINE_OPTIONS) - {"name", "parameters", "output_materializers"}
)


def set_fields(model: BaseModel) -> dict[str, Any]:
    """The fields of `model` that were given, with their values."""
    return {name: getattr(model, name) for name in model.model_fields_set}


def overlay(target: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """Lay `values` over `target` in place (dict fields merge); returns `target`."""
    for name, value in values.items():
        if isinstance(value, BaseModel):
            value = value.model_dump(exclude_unset=True)
        if name in DICT_FIELDS and isinstance(target.get(name), dict) and isinstance(value, dict):
            target[name] = {**target[name], **value}
        elif name in ADDED_LIST_FIELDS and isinstance(target.get(name), list):
            target[name] = added(target[name], value)
        else:
            target[name] = value
    return target


def merge_run_configurations(*layers: PipelineRunConfiguration | None) -> PipelineRunConfiguration:
    """Several run configurations as one; later layers win, dicts merge key by key."""
    merged: dict[str, Any] = {}
    steps: dict[str, dict[str, Any]] = {}
    for layer in layers:
        if layer is None:
            continue
        for name, value in set_fields(layer).items():
            if name == "steps":
                for step_id, step_config in value.items():
                    overlay(steps.setdefault(step_id, {}), set_fields(step_config))
                continue
            overlay(merged, {name: value})
    if steps:
        merged["steps"] = {k: StepRunConfiguration(**v) for k, v in steps.items()}
    return PipelineRunConfiguration(**merged)


def apply_to_pipeline(config: PipelineConfig, run: PipelineRunConfiguration) -> PipelineConfig:
    """The pipeline's config with the run configuration's run-level keys on top."""
    data = config.model_dump(exclude_unset=True)
    data["name"] = config.name
    skipped = ("steps", "parameters")  # parameters are bound by the compiler
    overlay(data, {k: v for k, v in set_fields(run).items() if k not in skipped})
    return PipelineConfig.model_validate(data)


def apply_to_step(config: StepConfig, run: StepRunConfiguration | None) -> StepConfig:
    """A step invocation's config with its `steps.<id>` run configuration on top."""
    if run is None:
        return config
    data = overlay(config.model_dump(exclude_unset=True), set_fields(run))
    return StepConfig.model_validate(data)


def inherit_from_pipeline(
    step: StepConfig, pipeline: PipelineConfig, parameters: dict[str, Any]
) -> StepConfig:
    """A step invocation's config: what the step sets itself, else its pipeline's; dict
    fields merge with the step's keys on top. `parameters` are the invocation's bound ones."""
    data = step.model_dump(exclude_unset=True)
    for key in INHERITED_BY_STEPS:
        inherited = getattr(pipeline, key)
        if key in DICT_FIELDS:
            merged = {**inherited, **data.get(key, {})}
            if merged:
                data[key] = merged
        elif data.get(key) is None and inherited is not None:
            data[key] = inherited
    data["parameters"] = parameters
    return StepConfig.model_validate(data)


def apply_options(base: dict[str, Any], options: dict[str, Any], merge: bool) -> dict[str, Any]:
    """`configure`/`with_options` over a config's set fields: dicts merge unless
    `merge=False`, in which case a given dict replaces the old one whole."""
    for key, value in options.items():
        if merge and isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **value}
        elif merge and key in ADDED_LIST_FIELDS and isinstance(base.get(key), list):
            base[key] = added(base[key], value)
        else:
            base[key] = value
    return base
