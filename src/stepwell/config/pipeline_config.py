"""What a pipeline run is configured with, before the per-step configuration is merged in."""

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


class PipelineConfig(BaseModel):
    """The configuration of a pipeline: decorator, `configure`/`with_options` and YAML merged."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    name: str
    dynamic: bool = False
    run_name: str | None = None
    enable_cache: bool | None = None
    enable_artifact_metadata: bool | None = None
    enable_artifact_visualization: bool | None = None
    enable_step_logs: bool | None = None
    execution_mode: ExecutionMode = ExecutionMode.CONTINUE_ON_FAILURE
    parameters: dict[str, Any] = Field(default_factory=dict)
    settings: Settings = Field(default_factory=dict)
    extra: dict[str, Any] = Field(default_factory=dict)
    environment: dict[str, str] = Field(default_factory=dict)
    tags: list[str | Tag] = Field(default_factory=list)
    substitutions: dict[str, str] = Field(default_factory=dict)
    on_success: str | None = None
    on_failure: str | None = None
    retry: StepRetryConfig | None = None
    cache_policy: CachePolicy | None = None
    # With a schedule, calling the pipeline schedules it on the server (see `config.schedule`).
    schedule: Schedule | None = None
    # The model whose version the run's artifacts belong to (see `stepwell.model.model`).
    model: Model | None = None
