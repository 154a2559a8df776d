"""Run events for live displays: who is told when a run or one of its steps changes state.

The orchestration loop emits events in the orchestrating process; observers (the CLI's live
progress view, tests) subscribe with `observing(...)`. Observers must be quick and must not
raise: an observer's error is logged and otherwise ignored (one whose reader went away,
`BrokenPipeError`, silently), so a display can never break a run.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any, Protocol

from stepwell.enums import ExecutionStatus
from stepwell.logger import get_logger

logger = get_logger(__name__)


class RunObserver(Protocol):
    """What a live display implements; every method is optional in practice."""

    def run_started(self, run: Any, step_ids: list[str]) -> None: ...
    def step_changed(
        self, invocation_id: str, status: ExecutionStatus, duration: float | None
    ) -> None: ...
    def run_finished(self, run: Any) -> None: ...


_OBSERVERS: list[Any] = []
# Observers belong to the process that registered them (a terminal display, say): a forked
# child (a worker, a background run) starts with none.
os.register_at_fork(after_in_child=_OBSERVERS.clear)


@contextlib.contextmanager
def observing(observer: Any) -> Iterator[Any]:
    """Tell `observer` about every run orchestrated in this process during the block."""
    _OBSERVERS.append(observer)
    try:
        yield observer
    finally:
        _OBSERVERS.remove(observer)


def emit(event: str, *args: Any) -> None:
    """Call `event` on every observer that has it."""
    for observer in list(_OBSERVERS):
        method = getattr(observer, event, None)
        if method is None:
            continue
        try:
            method(*args)
        except BrokenPipeError:  # the display's reader went away: nothing wrong with the run
            continue
        except Exception:
            logger.exception("Run observer %r failed on %s; ignoring it.", observer, event)


def step_started(invocation_id: str) -> None:
    """Tell observers a step really started (its first attempt is being launched).

    Orchestrators call this once the cache check has missed, not when the scheduler asks
    for a launch: a cache hit is reported `cached` alone, never `running` first.
    """
    emit("step_changed", invocation_id, ExecutionStatus.RUNNING, None)
