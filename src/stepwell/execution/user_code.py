"""The one error boundary around user code: step functions, hooks and materializers.

Failures inside the boundary are re-raised as they are, with a note of whose code failed
and the formatted traceback kept for the store; stepwell's own errors outside it pass
through untouched. `RunStoppedSignal` and `KeyboardInterrupt` are never caught here.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from stepwell.exceptions import RunStoppedSignal


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
            where=where, error=error, traceback=traceback.format_exc()
        )
        raise


def failure_of(error: BaseException) -> UserCodeFailure:
    """The recorded failure of an exception (framework errors get one made on the spot)."""
    failure = getattr(error, "__stepwell_failure__", None)
    if isinstance(failure, UserCodeFailure):
        return failure
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return UserCodeFailure(where="stepwell", error=error, traceback=text)
