"""The one error boundary around user code: step functions, hooks and materializers.

Failures inside the boundary are re-raised as they are, with a note of whose code failed
and the formatted traceback kept for the store; stepwell's own errors outside it pass
through untouched. `RunStoppedSignal` and `KeyboardInterrupt` are never caught here.

The kept traceback starts at the user's own frame: the frames of stepwell's calling
machinery before it (this boundary, the attempt, the call helper, and asyncio's or a
thread pool's frames for `async def` steps) say nothing to the user and are left out of
the step's log, the store and the errors shown. STEPWELL_DEBUG keeps them all.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import TracebackType

from stepwell.exceptions import RunStoppedSignal

# Modules whose frames can stand between the boundary and the user's function.
_CALLING_MACHINERY = ("stepwell", "asyncio", "concurrent.futures")


@dataclass
class UserCodeFailure:
    """What went wrong in user code: whose code, the exception and its traceback text."""

    where: str
    error: BaseException
    traceback: str


@contextmanager
def user_code(where: str) -> Iterator[None]:
    """Run user code; on failure attach `where` and the traceback text to the exception."""
    try:
        yield
    except (RunStoppedSignal, KeyboardInterrupt):
        raise
    except BaseException as error:
        error.__stepwell_failure__ = UserCodeFailure(  # type: ignore[attr-defined]
            where=where, error=error, traceback=user_traceback(error)
        )
        raise


def user_traceback(error: BaseException) -> str:
    """The traceback text of `error` from the first frame of user code on (whole with
    STEPWELL_DEBUG, or when no frame is the user's: then stepwell's own code failed)."""
    from stepwell.config.environment import debug_mode

    tb = error.__traceback__
    if not debug_mode():
        tb = _from_first_user_frame(tb) or tb
    return "".join(traceback.format_exception(type(error), error, tb))


def _from_first_user_frame(tb: TracebackType | None) -> TracebackType | None:
    """The part of the traceback chain `tb` from its first frame outside stepwell's calling
    machinery (None if there is none)."""
    while tb is not None:
        module = str(tb.tb_frame.f_globals.get("__name__", ""))
        if not any(module == name or module.startswith(name + ".") for name in _CALLING_MACHINERY):
            return tb
        tb = tb.tb_next
    return None


def failure_of(error: BaseException) -> UserCodeFailure:
    """The recorded failure of an exception (framework errors get one made on the spot)."""
    failure = getattr(error, "__stepwell_failure__", None)
    if isinstance(failure, UserCodeFailure):
        return failure
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return UserCodeFailure(where="stepwell", error=error, traceback=text)
