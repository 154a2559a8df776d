"""`step_run.exception_info`: why a step run failed, in ZenML's shape (layer: store).

The store keeps a failed step run's traceback as text (`step_run.exception`); this model
gives it the fields ZenML's `ExceptionInfo` has: the traceback, and the line of the step's
own code where it failed (None when the step's code is not in the traceback, as when its
inputs could not be loaded).
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

_FRAME = re.compile(r'^\s*File "[^"]*", line (\d+), in (\S+)\s*$', re.MULTILINE)


class ExceptionInfo(BaseModel):
    """The traceback of a failed step run and the line of step code it failed on."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    traceback: str
    step_code_line: int | None = None


def exception_info(traceback: str | None, function_name: str) -> ExceptionInfo | None:
    """The exception info of a traceback text; the last frame in `function_name` gives the
    step code line."""
    if not traceback:
        return None
    lines = [int(m.group(1)) for m in _FRAME.finditer(traceback) if m.group(2) == function_name]
    return ExceptionInfo(traceback=traceback, step_code_line=lines[-1] if lines else None)
