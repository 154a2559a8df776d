"""Configuration precedence, resolved in one place (pure).

Layers, weakest first: the decorator < `configure(...)` / `with_options(...)` < a YAML file
given with `with_options(config_path=...)` < a trigger's run configuration. The first two
are already merged into the pipeline's and steps' configs; this module lays run
configurations (YAML, trigger) on top, field by field, using only the fields that were set
(`model_fields_set`), so legitimate falsy values such as `enable_cache: false` count.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from stepwell.config.pipeline_config import PipelineConfig
from stepwell.config.run_config import PipelineRunConfiguration, StepRunConfiguration
from stepwell.config.step_config import StepConfig

_DICT_FIELDS = {
    "parameters",
    "settings",
    "environment",
    "extra",
    "substitutions",
    "output_materializers",
}


def _set_fields(model: BaseModel) -> dict[str, Any]:
    return {name: getattr(model, name) for name in model.model_fields_set}


def merge_run_configurations(*layers: PipelineRunConfiguration | None) -> PipelineRunConfiguration:
    """Several run configurations as one; later layers win, dicts merge key by key."""
    merged: dict[str, Any] = {}
    steps: dict[str, dict[str, Any]] = {}
    for layer in layers:
        if layer is None:
            continue
        for name, value in _set_fields(layer).items():
            if name == "steps":
                for step_id, step_config in value.items():
                    target = steps.setdefault(step_id, {})
                    _overlay(target, _set_fields(step_config))
                continue
            _overlay(merged, {name: value})
    if steps:
        merged["steps"] = {k: StepRunConfiguration(**v) for k, v in steps.items()}
    return PipelineRunConfiguration(**merged)


def _overlay(target: dict[str, Any], values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name in _DICT_FIELDS and isinstance(target.get(name), dict) and isinstance(value, dict):
            target[name] = {**target[name], **value}
        else:
            target[name] = value


def apply_to_pipeline(config: PipelineConfig, run: PipelineRunConfiguration) -> PipelineConfig:
    """The pipeline's config with the run configuration's run-level keys on top."""
    data = config.model_dump(exclude_unset=True)
    data["name"] = config.name
    skipped = ("steps", "parameters")  # parameters are bound by the compiler
    values = {k: v for k, v in _set_fields(run).items() if k not in skipped}
    for name, value in values.items():
        if isinstance(value, BaseModel):
            value = value.model_dump(exclude_unset=True)
        if name in _DICT_FIELDS and isinstance(data.get(name), dict):
            data[name] = {**data[name], **value}
        else:
            data[name] = value
    return PipelineConfig.model_validate(data)


def apply_to_step(config: StepConfig, run: StepRunConfiguration | None) -> StepConfig:
    """A step invocation's config with its `steps.<id>` run configuration on top."""
    if run is None:
        return config
    data = config.model_dump(exclude_unset=True)
    for name, value in _set_fields(run).items():
        if isinstance(value, BaseModel):
            value = value.model_dump(exclude_unset=True)
        if name in _DICT_FIELDS and isinstance(data.get(name), dict):
            data[name] = {**data[name], **value}
        else:
            data[name] = value
    return StepConfig.model_validate(data)
