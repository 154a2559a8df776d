"""Steps: `@step`, `BaseStep` and the step context (define layer).

Names load on first use, so that importing the seam module `stepwell.steps.runtime` (which
`import stepwell` does) loads no pydantic.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "BaseStep": "stepwell.steps.base_step",
    "step": "stepwell.steps.decorator",
    "StepContext": "stepwell.steps.step_context",
    "get_step_context": "stepwell.steps.step_context",
}

__all__ = ["BaseStep", "StepContext", "get_step_context", "step"]

if TYPE_CHECKING:
    from stepwell.steps.base_step import BaseStep
    from stepwell.steps.decorator import step
    from stepwell.steps.step_context import StepContext, get_step_context


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'stepwell.steps' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
