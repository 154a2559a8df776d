"""The inline orchestrator: runs steps one at a time in the calling process.

Used for debugging (breakpoints work: STEPWELL_DEBUG=True) and wherever processes can't be
started. Launching only queues a step; waiting runs the next queued step to its end.
"""

from __future__ import annotations

from collections import deque

from stepwell.execution.launcher import StepOutcome, launch_step
from stepwell.execution.run_context import RunContext
from stepwell.orchestrators.base import BaseOrchestrator


class InlineOrchestrator(BaseOrchestrator):
    """Steps run sequentially, in this process."""

    max_parallelism = 1

    def __init__(self) -> None:
        self._queue: deque[str] = deque()

    def launch(self, ctx: RunContext, invocation_id: str) -> None:
        self._queue.append(invocation_id)

    def wait(self, ctx: RunContext) -> StepOutcome:
        return launch_step(ctx, self._queue.popleft())
