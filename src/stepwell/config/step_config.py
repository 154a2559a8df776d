"""What a step invocation is configured with: decorator, `configure`, pipeline and YAML merged."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from stepwell.config.cache_policy import CachePolicy
from stepwell.config.retry_config import StepRetryConfig
from stepwell.config.settings import Settings
from stepwell.model.model import Model


class StepConfig(BaseModel):
    """The configuration of one step (or one invocation of it), as plain data.

    Every field defaults to "not set" so that layers merge by what was set (see precedence).
    Hooks and materializers are held as `module:qualname` source references, never callables.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    name: str | None = None
    enable_cache: bool | None = None
    enable_artifact_metadata: bool | None = None
    enable_artifact_visualization: bool | None = None
    enable_step_logs: bool | None = None
    # A stack component the step needs, by name (True: the stack's one); checked against the
    # active stack before a run starts.
    experiment_tracker: bool | str | None = None
    step_operator: bool | str | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)
    output_materializers: dict[str, str] = Field(default_factory=dict)
    settings: Settings = Field(default_factory=dict)
    extra: dict[str, Any] = Field(default_factory=dict)
    environment: dict[str, str] = Field(default_factory=dict)
    on_success: str | None = None
    on_failure: str | None = None
    retry: StepRetryConfig | None = None
    cache_policy: CachePolicy | None = None
    # The model whose version the run's artifacts belong to (see `stepwell.model.model`).
    model: Model | None = None
