"""stepwell's own log output: one `stepwell` logger, level from STEPWELL_LOGGING_VERBOSITY."""

from __future__ import annotations

import logging
import sys

_CONFIGURED = False


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is now, so captured step output sees our lines too."""

    @property  # type: ignore[override]
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


def apply_verbosity() -> None:
    """Set stepwell's log level from STEPWELL_LOGGING_VERBOSITY as it is now (each run
    calls this as it starts, so a notebook can change the variable after importing)."""
    from stepwell.config.environment import logging_verbosity

    get_logger()
    logging.getLogger("stepwell").setLevel(logging_verbosity())


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
