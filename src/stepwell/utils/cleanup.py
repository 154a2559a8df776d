"""Clean-up callbacks that run when the current step execution ends (launch).

Materializers sit below the step layer, yet some of their work must outlive one call and
end with the step (a temporary folder that a loaded value still reads from). The launcher
opens a `cleanup_scope()` around a step's code, its output saving and its hooks; code in
that scope registers callbacks with `register_cleanup`, and they run, last registered
first, when the scope closes. Outside a step nothing is registered and the caller keeps
what it made, as in ZenML.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from stepwell.logger import get_logger

logger = get_logger(__name__)

_CALLBACKS: contextvars.ContextVar[list[Callable[[], None]] | None] = contextvars.ContextVar(
    "stepwell_step_cleanup", default=None
)


def register_cleanup(callback: Callable[[], None]) -> bool:
    """Run `callback` when the current step execution ends; False (and nothing registered)
    outside a step execution."""
    callbacks = _CALLBACKS.get()
    if callbacks is None:
        return False
    callbacks.append(callback)
    return True


@contextmanager
def cleanup_scope() -> Iterator[None]:
    """Collect clean-up callbacks for the block and run them when it ends, however it ends;
    a failing callback is logged and does not change the step's outcome."""
    callbacks: list[Callable[[], None]] = []
    token = _CALLBACKS.set(callbacks)
    try:
        yield
    finally:
        _CALLBACKS.reset(token)
        for callback in reversed(callbacks):
            try:
                callback()
            except Exception as error:
                logger.warning("A step clean-up callback failed: %s", error)
