"""The run configuration: what a YAML file (or a trigger) may set for one pipeline run.

Key names follow ZenML's run-configuration schema. Every model forbids unknown keys, so a
misspelt key is an error naming its path. Values here override the code's configuration
(see `config/precedence.py`).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from stepwell.config.cache_policy import CachePolicy
from stepwell.config.retry_config import StepRetryConfig
from stepwell.config.schedule import Schedule
from stepwell.config.settings import Settings
from stepwell.config.tags import Tag
from stepwell.enums import ExecutionMode
from stepwell.model.model import Model


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
