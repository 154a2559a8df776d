"""What a script's traceback shows when a pipeline or step call fails (define layer, the seam).

Calling a pipeline or a single step outside a pipeline goes through stepwell's run machinery
(the runtime, submit, the orchestrator, the run's end). An error that comes back out of that
call, most often `PipelineRunFailedError`, carries those frames: a data scientist would read
a screen of stepwell's internals between their step's traceback and the line saying which
run failed. `for_the_caller` takes stepwell's own frames out of the traceback of the error
and of the errors chained to it, keeping the user's frames (their script's call, their
pipeline function, their step), the exception itself, its type and its `__cause__`.

Nothing is trimmed when stepwell's internals are wanted (STEPWELL_DEBUG, or
STEPWELL_LOGGING_VERBOSITY=DEBUG), nor for an error that looks like a fault of stepwell
itself (not a `StepwellError`, not a failure of user code, raised inside stepwell or a
library): there the frames are what a bug report needs.

The call re-raises the error with a bare `raise` after trimming it (`Pipeline.__call__`,
`BaseStep.__call__`): since Python 3.11 that raises the exception with the traceback it now
holds, without adding the re-raising frame, so the traceback starts at the user's call. On
Python 3.10 a bare `raise` restores the traceback it caught, and the frames stay as they were.
A context manager would not do: its own frames would show.
"""

from __future__ import annotations

import contextlib
import sysconfig
from types import FrameType, TracebackType

from stepwell.config import environment
from stepwell.exceptions import StepwellError

_OWN_PACKAGE = "stepwell"


def for_the_caller(error: BaseException) -> BaseException:
    """`error` with stepwell's frames taken out of its traceback and the tracebacks of the
    errors chained to it (in place; the same objects are returned and kept chained)."""
    if internals_wanted():
        return error
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if is_expected(current):
            current.__traceback__ = without_own_frames(current.__traceback__)
        current = _chained(current)
    return error


def internals_wanted() -> bool:
    """Whether the user asked to see stepwell's own frames: STEPWELL_DEBUG or
    STEPWELL_LOGGING_VERBOSITY=DEBUG (an unreadable value counts as not asked)."""
    with contextlib.suppress(StepwellError):
        if environment.debug_mode():
            return True
    with contextlib.suppress(StepwellError):
        return environment.logging_verbosity() == "DEBUG"
    return False


def is_expected(error: BaseException) -> bool:
    """Whether `error` is one a user should read without stepwell's frames: an error
    stepwell raised on purpose, a failure its user-code boundary recorded, or one raised
    in the user's own code."""
    if isinstance(error, StepwellError) or hasattr(error, "__stepwell_failure__"):
        return True
    innermost = _innermost_frame(error.__traceback__)
    return innermost is not None and _is_users(innermost)


def without_own_frames(tb: TracebackType | None) -> TracebackType | None:
    """The traceback chain `tb` without the entries of stepwell's own modules."""
    kept: list[TracebackType] = []
    while tb is not None:
        if not _is_own(tb.tb_frame):
            kept.append(tb)
        tb = tb.tb_next
    rebuilt: TracebackType | None = None
    for entry in reversed(kept):
        rebuilt = TracebackType(rebuilt, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return rebuilt


def _chained(error: BaseException) -> BaseException | None:
    """The error shown above `error` (its cause, or the context it was raised in)."""
    if error.__cause__ is not None:
        return error.__cause__
    if error.__suppress_context__:
        return None
    return error.__context__


def _innermost_frame(tb: TracebackType | None) -> FrameType | None:
    frame = None
    while tb is not None:
        frame, tb = tb.tb_frame, tb.tb_next
    return frame


def _is_own(frame: FrameType) -> bool:
    module = str(frame.f_globals.get("__name__", ""))
    return module == _OWN_PACKAGE or module.startswith(_OWN_PACKAGE + ".")


def _is_users(frame: FrameType) -> bool:
    """A frame of neither stepwell, the standard library nor an installed package (code
    given to `python -c` or a notebook cell counts as the user's)."""
    if _is_own(frame):
        return False
    filename = frame.f_code.co_filename
    if filename.startswith("<frozen "):  # the import system's own modules
        return False
    return not filename.startswith(_library_folders())


def _library_folders() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    return tuple({paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")})
