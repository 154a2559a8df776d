"""The one error boundary around user code: step functions, hooks and materializers.

Failures inside the boundary are re-raised as they are, with a note of whose code failed
and the formatted traceback kept for the store; stepwell's own errors outside it pass
through untouched. `RunStoppedSignal` and `KeyboardInterrupt` are never caught here.

The kept traceback starts at the user's own frame: the frames of stepwell's calling
machinery before it (this boundary, the attempt, the call helper, and asyncio's or a
thread pool's frames for `async def` steps) say nothing to the user and are left out of
the step's log, the store and the errors shown, for each exception of a chain alike. A
hook's failure leaves out the step's error it was handling (shown once already).
STEPWELL_DEBUG keeps them all.
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

    def headline(self, step_id: str) -> str:
        """`Step train failed`, naming whose code failed when it is not the step function
        (`... failed in materializer PandasMaterializer (output 'df')`)."""
        if self.where in (f"step '{step_id}'", "stepwell"):
            return f"Step {step_id} failed"
        return f"Step {step_id} failed in {self.where}"


@contextmanager
def user_code(where: str, shown: BaseException | None = None) -> Iterator[None]:
    """Run user code; on failure attach `where` and the traceback text to the exception.

    `shown` is an error already reported (the step's, for a failure hook): the traceback
    text of a failure that happens while handling it stops short of it."""
    try:
        yield
    except (RunStoppedSignal, KeyboardInterrupt):
        raise
    except BaseException as error:
        error.__stepwell_failure__ = UserCodeFailure(  # type: ignore[attr-defined]
            where=where, error=error, traceback=user_traceback(error, shown)
        )
        raise


@contextmanager
def maybe_user_code(where: str) -> Iterator[None]:
    """`user_code` for a call into stepwell that may reach user code (loading an input runs
    the materializer that saved it, which may be the user's): a failure is attributed to
    `where` only when its traceback reaches code outside stepwell; one raised by stepwell
    itself (an input whose files are gone) stays stepwell's (see `framework_traceback`)."""
    try:
        yield
    except (RunStoppedSignal, KeyboardInterrupt):
        raise
    except BaseException as error:
        reached_user_code = _from_first_user_frame(error.__traceback__) is not None
        if reached_user_code and not hasattr(error, "__stepwell_failure__"):
            error.__stepwell_failure__ = UserCodeFailure(  # type: ignore[attr-defined]
                where=where, error=error, traceback=user_traceback(error)
            )
        raise


def user_traceback(error: BaseException, shown: BaseException | None = None) -> str:
    """The traceback text of `error` and the exceptions chained to it, each from its first
    frame of user code on (whole with STEPWELL_DEBUG, or when no frame is the user's: then
    stepwell's own code failed). The chain stops before `shown`, an error reported already."""
    from stepwell.config.environment import debug_mode

    if debug_mode():
        return "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return "".join(_chain_text(error, shown, set()))


def _chain_text(
    error: BaseException, shown: BaseException | None, seen: set[int], frames: bool = True
) -> list[str]:
    """The lines of `error`'s chain as Python prints it, causes first, each exception's
    traceback trimmed to user code (or left out, without `frames`)."""
    seen.add(id(error))
    lines: list[str] = []
    cause, context = error.__cause__, error.__context__
    if cause is not None and cause is not shown and id(cause) not in seen:
        lines += _chain_text(cause, shown, seen, frames)
        lines.append(_CAUSE)
    elif (
        cause is None
        and context is not None
        and not error.__suppress_context__
        and context is not shown
        and id(context) not in seen
    ):
        lines += _chain_text(context, shown, seen, frames)
        lines.append(_CONTEXT)
    if not frames:
        return lines + traceback.format_exception_only(type(error), error)
    tb = _from_first_user_frame(error.__traceback__) or error.__traceback__
    lines += traceback.format_exception(type(error), error, tb, chain=False)
    return lines


_CAUSE = "\nThe above exception was the direct cause of the following exception:\n\n"
_CONTEXT = "\nDuring handling of the above exception, another exception occurred:\n\n"


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
    return UserCodeFailure(where="stepwell", error=error, traceback=framework_traceback(error))


def framework_traceback(error: BaseException) -> str:
    """The text of an error stepwell raised outside user code (an input whose files are
    gone, say). Its own errors (`StepwellError`) say what is wrong and how to fix it: they
    are shown as their messages, with those of the errors chained to them, and no frames,
    which would all be stepwell's. Anything else is a bug and keeps its whole traceback, as
    does everything with STEPWELL_DEBUG."""
    from stepwell.config.environment import debug_mode
    from stepwell.exceptions import StepwellError

    if isinstance(error, StepwellError) and not debug_mode():
        return "".join(_chain_text(error, None, set(), frames=False))
    return "".join(traceback.format_exception(type(error), error, error.__traceback__))
