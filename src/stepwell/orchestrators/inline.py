"""The inline orchestrator: runs steps one at a time in the calling process.

Used for debugging (breakpoints work: STEPWELL_DEBUG=True) and wherever processes can't be
started. Launching only queues a step; waiting runs the next queued step to its end,
retrying it as configured. Ctrl-C interrupts the step's own code (or its retry wait): that
attempt is recorded `stopped` before the interrupt goes on to stop the run.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from stepwell.enums import ExecutionStatus
from stepwell.execution.attempt import AttemptResult, run_attempt
from stepwell.execution.launcher import (
    StepOutcome,
    finish_attempt,
    log_retry,
    plan_step,
    start_attempt,
    try_cached,
)
from stepwell.execution.run_context import RunContext
from stepwell.orchestrators.base import BaseOrchestrator, record_unrun_step
from stepwell.orchestrators.events import step_started
from stepwell.orchestrators.machine import machine_capacity
from stepwell.orchestrators.workers import escaped_failure

INTERRUPTED = "Interrupted by the user (Ctrl-C)."


class InlineOrchestrator(BaseOrchestrator):
    """Steps run sequentially, in this process."""

    max_parallelism = 1

    def __init__(self, sleep: Callable[[float], None] = time.sleep) -> None:
        self._queue: deque[str] = deque()
        self._done: deque[StepOutcome] = deque()
        self._sleep = sleep
        self._stop_beating = threading.Event()
        self._beater: threading.Thread | None = None
        self.capacity = machine_capacity()  # one step at a time, but on this machine

    def would_block(self) -> bool:
        # A queued step is either a cache hit (no waiting) or an attempt, which writes the
        # buffered records before it starts.
        return not (self._done or self._queue)

    def prepare(self, ctx: RunContext) -> None:
        # Steps run on this thread, so heartbeats come from a small helper thread.
        def beat() -> None:
            while not self._stop_beating.wait(ctx.beat_interval):
                ctx.beat(force=True)

        self._beater = threading.Thread(target=beat, name="stepwell-heartbeat", daemon=True)
        self._beater.start()

    def shutdown(self) -> None:
        self._stop_beating.set()
        if self._beater is not None:
            self._beater.join()
            self._beater = None

    def launch(self, ctx: RunContext, invocation_id: str) -> None:
        self._queue.append(invocation_id)

    def wait(self, ctx: RunContext) -> StepOutcome:
        if self._done:
            return self._done.popleft()
        invocation_id = self._queue.popleft()
        plan = plan_step(ctx, invocation_id)
        cached = try_cached(ctx, plan)
        if cached is not None:
            return cached
        attempt = 1
        while True:
            final = attempt >= plan.max_attempts
            if attempt == 1:
                step_started(invocation_id)
            step_run = start_attempt(ctx, plan, attempt)
            try:
                with self.interrupts.deliverable():
                    result = run_attempt(ctx, plan, step_run, last_attempt=final)
            except KeyboardInterrupt:
                stopped = AttemptResult(ExecutionStatus.STOPPED, status_message=INTERRUPTED)
                self._done.append(finish_attempt(ctx, plan, step_run, stopped))
                raise
            except BaseException as error:  # what got past run_attempt fails it, as in a worker
                result = escaped_failure(error)
            outcome = finish_attempt(ctx, plan, step_run, result, final=final)
            if outcome.status is not ExecutionStatus.RETRIED:
                return outcome
            log_retry(plan, attempt)
            attempt += 1
            try:
                with self.interrupts.deliverable():
                    self._sleep(plan.retry_delays[attempt - 2])
            except KeyboardInterrupt:
                self._done.append(self._record_stopped(ctx, invocation_id, attempt))
                raise

    def stop(self, ctx: RunContext, invocation_id: str) -> None:
        if invocation_id in self._queue:  # launched, never started
            self._queue.remove(invocation_id)
            self._done.append(self._record_stopped(ctx, invocation_id, attempt=1))

    def _record_stopped(self, ctx: RunContext, invocation_id: str, attempt: int) -> StepOutcome:
        step_run_id = record_unrun_step(ctx, invocation_id, ExecutionStatus.STOPPED, attempt)
        return StepOutcome(invocation_id, ExecutionStatus.STOPPED, step_run_id)
