"""The run configuration: what a YAML file (or a trigger) may set for one pipeline run.

Key names follow ZenML's run-configuration schema. Every model forbids unknown keys, so a
misspelt key is an error naming its path. Values here override the code's configuration
(see `config/precedence.py`).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from stepwell.config.cache_policy import CachePolicy
from stepwell.config.retry_config import StepRetryConfig
from stepwell.config.schedule import Schedule
from stepwell.config.settings import Settings
from stepwell.config.tags import Tag
from stepwell.enums import ExecutionMode
from stepwell.model.model import Model

# ZenML's names for keys stepwell names otherwise: (ZenML key, stepwell key).
ZENML_HOOK_KEYS = (("failure_hook_source", "on_failure"), ("success_hook_source", "on_success"))


def renamed_zenml_keys(data: Any, *, step: bool) -> Any:
    """`data` with ZenML's key names turned into stepwell's: the hook sources and, for a
    step, `outputs.<name>.materializer_source` (ZenML's form of `output_materializers`).
    A key given under both names is an error, as is any other `outputs` field."""
    if not isinstance(data, dict):
        return data
    data = dict(data)
    for zenml_key, own_key in ZENML_HOOK_KEYS:
        if zenml_key in data:
            if own_key in data:
                raise ValueError(f"give either {zenml_key} or {own_key}, not both")
            data[own_key] = data.pop(zenml_key)
    if step and "outputs" in data:
        outputs = data.pop("outputs")
        if not isinstance(outputs, dict):
            raise ValueError("outputs must map output names to {materializer_source: ...}")
        chosen = dict(data.get("output_materializers") or {})
        for name, fields in outputs.items():
            fields = dict(fields or {})
            source = fields.pop("materializer_source", None)
            if fields:
                raise ValueError(
                    f"outputs.{name}: only materializer_source can be set here, not "
                    f"{', '.join(map(str, fields))}"
                )
            if source is not None:
                if name in chosen and chosen[name] != source:
                    raise ValueError(
                        f"outputs.{name}.materializer_source conflicts with "
                        f"output_materializers.{name}"
                    )
                chosen[name] = source
        data["output_materializers"] = chosen
    return data


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class StepRunConfiguration(_Strict):
    """What a run configuration may set for one step invocation (`steps.<invocation id>`)."""

    parameters: dict[str, Any] = Field(default_factory=dict)
    enable_cache: bool | None = None
    enable_artifact_metadata: bool | None = None
    enable_artifact_visualization: bool | None = None
    enable_step_logs: bool | None = None
    experiment_tracker: bool | str | None = None
    step_operator: bool | str | None = None
    cache_policy: CachePolicy | None = None
    retry: StepRetryConfig | None = None
    settings: Settings = Field(default_factory=dict)
    environment: dict[str, str] = Field(default_factory=dict)
    on_success: str | None = None
    on_failure: str | None = None
    output_materializers: dict[str, str] = Field(default_factory=dict)
    extra: dict[str, Any] = Field(default_factory=dict)
    model: Model | None = None

    @model_validator(mode="before")
    @classmethod
    def _zenml_names(cls, data: Any) -> Any:
        return renamed_zenml_keys(data, step=True)


# The `schedule:` key: a pipeline called with it is scheduled on the server, not run now.
ScheduleConfiguration = Schedule


class PipelineRunConfiguration(_Strict):
    """Everything a YAML run configuration file or a trigger may set for a run."""

    run_name: str | None = None
    enable_cache: bool | None = None
    enable_artifact_metadata: bool | None = None
    enable_artifact_visualization: bool | None = None
    enable_step_logs: bool | None = None
    execution_mode: ExecutionMode | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)
    steps: dict[str, StepRunConfiguration] = Field(default_factory=dict)
    settings: Settings = Field(default_factory=dict)
    environment: dict[str, str] = Field(default_factory=dict)
    tags: list[str | Tag] = Field(default_factory=list)
    extra: dict[str, Any] = Field(default_factory=dict)
    retry: StepRetryConfig | None = None
    cache_policy: CachePolicy | None = None
    substitutions: dict[str, str] = Field(default_factory=dict)
    schedule: ScheduleConfiguration | None = None
    on_success: str | None = None
    on_failure: str | None = None
    model: Model | None = None

    @model_validator(mode="before")
    @classmethod
    def _zenml_names(cls, data: Any) -> Any:
        return renamed_zenml_keys(data, step=False)
