"""`get_pipeline_context()`: what a pipeline function can read about its own configuration.

Define layer. While the compiler traces a pipeline function (or a dynamic pipeline's
function drives its run), the trace holds the pipeline's resolved configuration: the
decorator's, `with_options`/`configure`'s and the run configuration's, merged. A pipeline
function reads it to shape its DAG, e.g. one step per entry of `extra`. Anywhere else
there is no pipeline to describe, and asking is an error that says what to use instead.
"""

from __future__ import annotations

from typing import Any

from stepwell.exceptions import PipelineContextError
from stepwell.steps.runtime import current_trace
from stepwell.steps.step_context import in_running_step


class PipelineContext:
    """The configuration of the pipeline being compiled, as ZenML's `PipelineContext` has it:
    `name`, `enable_cache`, `enable_artifact_metadata`, `enable_artifact_visualization`,
    `enable_step_logs`, `enable_pipeline_logs`, `settings`, `extra` and `model`."""

    def __init__(self, config: Any) -> None:
        self.name: str = config.name
        self.enable_cache: bool | None = config.enable_cache
        self.enable_artifact_metadata: bool | None = config.enable_artifact_metadata
        self.enable_artifact_visualization: bool | None = getattr(
            config, "enable_artifact_visualization", None
        )
        self.enable_step_logs: bool | None = config.enable_step_logs
        self.enable_pipeline_logs: bool | None = getattr(config, "enable_pipeline_logs", None)
        self.settings: dict[str, Any] = dict(config.settings)
        self.extra: dict[str, Any] = dict(config.extra)
        self.model: Any = getattr(config, "model", None)

    def __repr__(self) -> str:
        return f"<PipelineContext {self.name}>"


def get_pipeline_context() -> PipelineContext:
    """The context of the pipeline whose function is running now (while it is compiled)."""
    if in_running_step():
        raise PipelineContextError(
            "get_pipeline_context() is for pipeline functions; inside a step use "
            "`from stepwell import get_step_context` instead."
        )
    trace = current_trace()
    config = getattr(trace, "config", None)
    if config is None:
        raise PipelineContextError(
            "No active pipeline found: get_pipeline_context() only works inside a pipeline "
            "function while the pipeline is compiled (call the pipeline, don't call "
            "get_pipeline_context() at module level or in a helper run outside it)."
        )
    return PipelineContext(config)
