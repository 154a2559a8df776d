"""Step retries waiting for their delay: one timer queue shared by the orchestrators.

Part of orchestrate: when an attempt ends `retried`, the orchestrator schedules the next
attempt here after the step's retry delay, starts the attempts that are due, waits no longer
than the next due time, and cancels a pending retry when the step is stopped (recording the
step `stopped` without starting it). How an attempt starts (a worker process, a Ray task)
stays with each orchestrator.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Iterator

from stepwell.enums import ExecutionStatus
from stepwell.execution.launcher import LaunchPlan, StepOutcome, log_retry
from stepwell.execution.run_context import RunContext
from stepwell.orchestrators.base import record_unrun_step


class RetryTimers:
    """Attempts to start once their retry delay has passed, soonest first."""

    def __init__(self) -> None:
        self._queue: list[tuple[float, str, int, LaunchPlan]] = []

    def __bool__(self) -> bool:
        return bool(self._queue)

    def schedule(self, plan: LaunchPlan, failed_attempt: int) -> None:
        """Queue the attempt after `failed_attempt`, due after the step's delay for it."""
        log_retry(plan, failed_attempt)
        due = time.monotonic() + plan.retry_delays[failed_attempt - 1]
        heapq.heappush(self._queue, (due, plan.invocation.id, failed_attempt + 1, plan))

    def due(self) -> Iterator[tuple[LaunchPlan, int]]:
        """Take the attempts whose time has come: (plan, attempt number)."""
        while self._queue and self._queue[0][0] <= time.monotonic():
            _, _, attempt, plan = heapq.heappop(self._queue)
            yield plan, attempt

    def seconds_to_next(self, at_most: float) -> float:
        """How long to wait before the next attempt is due, capped at `at_most`."""
        if not self._queue:
            return at_most
        return min(at_most, max(0.0, self._queue[0][0] - time.monotonic()))

    def cancel(self, ctx: RunContext, invocation_id: str) -> StepOutcome | None:
        """Drop the pending retry of `invocation_id`, recording the step `stopped`; None
        if it has none."""
        for entry in self._queue:
            if entry[1] == invocation_id:
                self._queue.remove(entry)
                heapq.heapify(self._queue)
                step_run_id = record_unrun_step(
                    ctx, invocation_id, ExecutionStatus.STOPPED, attempt=entry[2]
                )
                return StepOutcome(invocation_id, ExecutionStatus.STOPPED, step_run_id)
        return None

    def clear(self) -> None:
        self._queue.clear()
