"""The `log` alerter flavor: messages go to the `stepwell.alerter` logger.

The alerter to use where nothing else is set up (local runs, tests, CI logs): what other
flavors send to a chat shows up in the run's console output instead.
"""

from __future__ import annotations

import logging
from typing import Any

from stepwell.alerters.base import BaseAlerter
from stepwell.logger import get_logger

LOGGER_NAME = "stepwell.alerter"


class LogAlerter(BaseAlerter):
    """Posts each message as one log record at `level` (default INFO)."""

    def __init__(self, level: str = "INFO") -> None:
        self.level = logging.getLevelName(level.upper())
        if not isinstance(self.level, int):
            raise ValueError(f"Unknown log level {level!r}; use DEBUG, INFO, WARNING or ERROR.")

    def post(self, message: str, params: Any = None) -> bool:
        """Log `message`; `params` are not used by this flavor."""
        get_logger(LOGGER_NAME).log(self.level, "%s", message)
        return True
