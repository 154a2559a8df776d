"""When a SQLite write may be tried again, and how long to wait (layer: store).

Shared by the SQLAlchemy engine (`stepwell.store.sql.engine`) and the direct SQLite path
(`stepwell.store.direct`), so both wait for a busy database the same way; stdlib only.
"""

from __future__ import annotations

import random
import time

BUSY_TIMEOUT_SECONDS = 30.0
WRITE_ATTEMPTS = 8
_RETRYABLE = ("database is locked", "database is busy", "deadlock detected", "could not serialize")


def is_retryable(error: BaseException) -> bool:
    """Whether a failed write may simply be tried again (lock contention, not a real error)."""
    text = str(getattr(error, "orig", error)).lower()
    return any(marker in text for marker in _RETRYABLE)


def backoff(attempt: int) -> None:
    """Sleep a small, jittered, growing time before retry number `attempt` (0-based)."""
    time.sleep(min(0.5, 0.005 * 2**attempt) * (0.5 + random.random()))
