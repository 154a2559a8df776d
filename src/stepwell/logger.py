"""stepwell's own log output: one `stepwell` logger, level from STEPWELL_LOGGING_VERBOSITY."""

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
    """The stepwell logger (or a child of it), configured on first use."""
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
