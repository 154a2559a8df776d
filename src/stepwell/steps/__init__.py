"""Steps: `@step`, `BaseStep` and the step context (define layer)."""

from stepwell.steps.base_step import BaseStep
from stepwell.steps.decorator import step
from stepwell.steps.step_context import StepContext, get_step_context

__all__ = ["BaseStep", "StepContext", "get_step_context", "step"]
