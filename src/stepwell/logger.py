"""Log output: stepwell's own `stepwell` logger, and the loggers users get from `get_logger`.

Both follow STEPWELL_LOGGING_VERBOSITY (default INFO), read when a logger is handed out and
again as each run starts. stepwell's own logger writes to the current `sys.stderr` and does
not propagate. A user's logger (`get_logger(__name__)`, as in ZenML) keeps propagating to
the root logger, so handlers the user configured there see its records; only when no such
handler exists does a fallback print them to the current `sys.stderr` (Python's own last
resort would drop everything below WARNING). Inside a step, step log capture
(`execution/step_logs.py`) puts a handler on the root logger, so the records land in the
step's log and on the terminal once. Plain `logging.getLogger(name)` loggers are left alone:
their level and handlers stay the user's business (stepwell never changes the root logger).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager

_CONFIGURED = False


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is now, so captured step output sees our lines too."""

    @property  # type: ignore[override]
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass

    def handleError(self, record: logging.LogRecord) -> None:
        """A reader of stderr that went away (`2>&1 | head`) is no error worth a traceback:
        stderr is silenced (`stepwell.utils.closed_output`) and the record dropped."""
        if isinstance(sys.exc_info()[1], BrokenPipeError):
            from stepwell.utils.closed_output import reader_gone, stream_fd

            reader_gone(stream_fd(sys.stderr))
            return
        super().handleError(record)


# The lowest level a caller wants shown whatever the variable says (the CLI, which draws the
# run itself, holds stepwell's info lines back). 0: no floor.
_floor = 0


def apply_verbosity() -> None:
    """Set stepwell's log level from STEPWELL_LOGGING_VERBOSITY as it is now (each run
    calls this as it starts, so a notebook can change the variable after importing), never
    below a floor a caller set with `at_least`."""
    from stepwell.config.environment import logging_verbosity

    get_logger()
    level = logging.getLevelName(logging_verbosity())
    logging.getLogger("stepwell").setLevel(max(level, _floor))
    for name in _user_loggers:
        logging.getLogger(name).setLevel(level)


@contextmanager
def at_least(level: int) -> Iterator[None]:
    """Show only records of `level` or above for the duration of the block, even if a run
    that starts meanwhile reads a lower verbosity."""
    global _floor
    logger = get_logger()
    previous_floor, previous_level = _floor, logger.level
    _floor = max(_floor, level)
    logger.setLevel(max(previous_level, level))
    try:
        yield
    finally:
        _floor = previous_floor
        logger.setLevel(previous_level)


def get_logger(name: str = "stepwell") -> logging.Logger:
    """A logger at the level STEPWELL_LOGGING_VERBOSITY gives now: stepwell's own (or a
    child of it), or, for any other name (a user's `__name__`), one whose records reach the
    root logger's handlers, or the terminal if there are none."""
    if name != "stepwell" and not name.startswith("stepwell."):
        return _user_logger(name)
    return _stepwell_logger(name)


def _stepwell_logger(name: str) -> logging.Logger:
    """The `stepwell` logger or a child of it; the parent is configured on first use."""
    global _CONFIGURED
    if not _CONFIGURED:
        from stepwell.config.environment import logging_verbosity

        root = logging.getLogger("stepwell")
        if not root.handlers:
            handler = _StderrHandler()
            handler.setFormatter(logging.Formatter("%(message)s"))
            root.addHandler(handler)
        root.setLevel(logging_verbosity())
        root.propagate = False
        _CONFIGURED = True
    return logging.getLogger(name)


# Names of the loggers `get_logger` handed out to users: each run re-reads the verbosity
# for them too, so a variable set after the user's module was imported still applies.
_user_loggers: set[str] = set()


class _FallbackHandler(_StderrHandler):
    """Prints a user logger's record only if no other handler will get it.

    One instance is shared by every user logger. A record passes up through each logger
    of its chain that holds it, so it remembers the last record it saw and prints each one
    once. It stays silent as soon as the chain has a handler of another kind (the user's
    `basicConfig`, pytest's capture, a step's log capture): that one shows the record.
    """

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter("%(message)s"))
        self._last: logging.LogRecord | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if record is self._last:  # already printed (or passed on) at a logger below
            return
        self._last = record
        if not _has_other_handler(logging.getLogger(record.name)):
            super().emit(record)


def _has_other_handler(logger: logging.Logger | None) -> bool:
    """Whether a record logged on `logger` reaches a handler that is not the fallback,
    following propagation as `Logger.callHandlers` does."""
    while logger is not None:
        if any(not isinstance(handler, _FallbackHandler) for handler in logger.handlers):
            return True
        if not logger.propagate:
            return False
        logger = logger.parent  # type: ignore[assignment]
    return False


_fallback = _FallbackHandler()


def _user_logger(name: str) -> logging.Logger:
    """A user's logger: its level from the verbosity now, the fallback handler attached."""
    from stepwell.config.environment import logging_verbosity

    logger = logging.getLogger(name)
    logger.setLevel(logging_verbosity())
    if _fallback not in logger.handlers:
        logger.addHandler(_fallback)
    _user_loggers.add(name)
    return logger
