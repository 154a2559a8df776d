"""The local orchestrator: steps run in parallel worker processes started from this one.

Ready steps run side by side up to `max_parallelism` (default: the larger of 8 and 4 x the
CPU count, so waiting steps overlap beyond the core count). Workers only run user code and
write artifact bytes; this process records everything in the store, so the store has one
writer per run and workers need no database connection. A step that kills its interpreter
fails only itself (recorded with the signal's name); stopping a step sends its worker
SIGTERM, raising `RunStoppedSignal` inside it (SIGKILL if asked twice). Retries wait on a
timer here, so a FAIL_FAST stop (or Ctrl-C) also cancels a pending retry.

Settings (`settings={"orchestrator": {...}}`): `max_parallelism`, `reuse_processes`
(default True: a worker serves several steps of a run; False: a fresh process per step), and
`start_method`: `fork` (the default where the OS has it) or `spawn` (a fresh interpreter per
worker; the default on Windows). Spawned workers import steps by their source reference,
under the guard that keeps module-level pipeline calls from running, and get the steps,
hooks and materializers that no import can reach (defined in `__main__`, a notebook or a
function) by value.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any

from stepwell.enums import ExecutionStatus
from stepwell.exceptions import ConfigurationError
from stepwell.execution.launcher import (
    LaunchPlan,
    StepOutcome,
    finish_attempt,
    plan_step,
    start_attempt,
    step_object,
    try_cached,
)
from stepwell.execution.run_context import RunContext
from stepwell.orchestrators.base import BaseOrchestrator
from stepwell.orchestrators.events import step_started
from stepwell.orchestrators.machine import machine_capacity
from stepwell.orchestrators.retry_timers import RetryTimers
from stepwell.orchestrators.workers import Worker, describe_exit, describe_stop
from stepwell.store.models import StepRunResponse
from stepwell.utils.async_calls import is_async_callable, load_event_loop_support


def default_start_method() -> str:
    """Fork where the OS has it (steps from `__main__` or a notebook just work, and workers
    start warm); spawn elsewhere (Windows)."""
    return "fork" if hasattr(os, "fork") else "spawn"


def default_max_parallelism() -> int:
    return max(8, 4 * (os.cpu_count() or 1))


@dataclass
class _Running:
    plan: LaunchPlan
    step_run: StepRunResponse
    attempt: int
    worker: Worker


class LocalOrchestrator(BaseOrchestrator):
    """Steps run in parallel processes on this machine."""

    def __init__(
        self,
        max_parallelism: int | None = None,
        reuse_processes: bool = True,
        start_method: str | None = None,
    ) -> None:
        if max_parallelism is not None and (
            not isinstance(max_parallelism, int)
            or isinstance(max_parallelism, bool)
            or max_parallelism < 1
        ):
            raise ConfigurationError(
                f"max_parallelism must be a whole number of at least 1, got {max_parallelism!r}; "
                "set it to 1 to run steps one at a time."
            )
        self.max_parallelism = max_parallelism or default_max_parallelism()
        self.capacity = machine_capacity()  # steps' `resources` settings share this machine
        self.reuse_processes = reuse_processes
        self.start_method = start_method or default_start_method()
        if self.start_method not in ("fork", "spawn"):
            raise ConfigurationError(
                f"start_method must be 'fork' or 'spawn', got {self.start_method!r}."
            )
        if self.start_method == "fork" and not hasattr(os, "fork"):
            raise ConfigurationError(
                "start_method 'fork' is not available on this system; use 'spawn'."
            )
        self._context = multiprocessing.get_context(self.start_method)
        self._running: dict[str, _Running] = {}
        self._idle: list[Worker] = []
        self._done: deque[StepOutcome] = deque()
        self._retries = RetryTimers()
        self._stopping: set[str] = set()  # steps whose workers were told to stop
        self._closing: list[Worker] = []  # workers told to leave, not yet reaped
        self._ctx: RunContext | None = None

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> LocalOrchestrator:
        return cls(
            max_parallelism=settings.get("max_parallelism"),
            reuse_processes=settings.get("reuse_processes", True),
            start_method=settings.get("start_method"),
        )

    def prepare(self, ctx: RunContext) -> None:
        """Load everything steps need once here, so forked workers start warm."""
        from stepwell.execution.fd_redirect import load_libc_flush
        from stepwell.materializers.loading import content_hash_and_size  # noqa: F401
        from stepwell.materializers.registry import materializer_registry

        materializer_registry.get_materializer_for_type(int)
        load_libc_flush()  # each worker's output capture flushes C's buffers
        steps = [step_object(ctx, invocation) for invocation in ctx.spec.invocations]
        if any(is_async_callable(step.entrypoint) for step in steps):
            load_event_loop_support()
        self._ctx = ctx
        if self.start_method == "fork":
            # Workers would otherwise touch every inherited object on their first garbage
            # collection, copying most of this process's memory page by page.
            gc.freeze()

    # -- launching ----------------------------------------------------------------------------
    def launch(self, ctx: RunContext, invocation_id: str) -> None:
        plan = plan_step(ctx, invocation_id)
        cached = try_cached(ctx, plan)  # decided here: a cache hit needs no process at all
        if cached is not None:
            self._done.append(cached)
            return
        self._start(ctx, plan, attempt=1)

    def _start(self, ctx: RunContext, plan: LaunchPlan, attempt: int) -> None:
        if attempt == 1:
            step_started(plan.invocation.id)
        step_run = start_attempt(ctx, plan, attempt)
        worker = self._idle.pop() if self._idle else self._new_worker(ctx)
        invocation_id = plan.invocation.id
        worker.submit(invocation_id, (plan, step_run, attempt >= plan.max_attempts))
        self._running[invocation_id] = _Running(plan, step_run, attempt, worker)

    def _new_worker(self, ctx: RunContext) -> Worker:
        return Worker(self._context, ctx, max_tasks=None if self.reuse_processes else 1)

    # -- waiting ------------------------------------------------------------------------------
    def would_block(self) -> bool:
        return not self._done

    def wait(self, ctx: RunContext) -> StepOutcome:
        while True:
            if self._done:
                return self._done.popleft()
            self._start_due_retries(ctx)
            if not self._running and not self._retries:
                raise RuntimeError("wait() was called with no step running or due to retry.")
            if not self._running:
                with self.interrupts.deliverable():
                    time.sleep(self._retries.seconds_to_next(float("inf")))
                continue
            timeout = self._retries.seconds_to_next(ctx.beat_interval)
            handles: dict[Any, str] = {}
            pipes = set()
            for invocation_id, running in self._running.items():
                handles[running.worker.connection] = invocation_id
                handles[running.worker.process.sentinel] = invocation_id
                pipes.add(running.worker.connection)
            with self.interrupts.deliverable():
                ready = wait(list(handles), timeout)
            ctx.beat()
            if not ready:
                continue
            # Prefer a readable pipe over a bare sentinel: a worker may report, then exit.
            chosen = next((h for h in ready if h in pipes), ready[0])
            outcome = self._collect(ctx, self._running.pop(handles[chosen]))
            if outcome is not None:
                return outcome

    def _collect(self, ctx: RunContext, running: _Running) -> StepOutcome | None:
        worker = running.worker
        invocation_id = running.plan.invocation.id
        was_stopped = invocation_id in self._stopping
        self._stopping.discard(invocation_id)
        result = worker.receive()
        if result is None:
            worker.process.join()
            if was_stopped:
                # SIGTERM may land before the worker's handler is installed, or while it is
                # still reading the task: either way the step ended because we stopped it.
                result = describe_stop(invocation_id, worker.process.exitcode)
            else:
                result = describe_exit(invocation_id, worker.process.exitcode)
        if not was_stopped and result.status is not ExecutionStatus.STOPPED and worker.reusable:
            self._idle.append(worker)
        else:
            worker.close(wait=False)
            # Reaped when found dead (is_alive() waits for it without blocking), or at
            # shutdown.
            self._closing = [w for w in self._closing if w.process.is_alive()]
            self._closing.append(worker)
        final = running.attempt >= running.plan.max_attempts
        outcome = finish_attempt(ctx, running.plan, running.step_run, result, final=final)
        if outcome.status is ExecutionStatus.RETRIED:
            self._retries.schedule(running.plan, running.attempt)
            return None
        return outcome

    def _start_due_retries(self, ctx: RunContext) -> None:
        for plan, attempt in self._retries.due():
            self._start(ctx, plan, attempt)

    # -- stopping -----------------------------------------------------------------------------
    def stop(self, ctx: RunContext, invocation_id: str) -> None:
        running = self._running.get(invocation_id)
        if running is not None:
            if invocation_id in self._stopping:  # asked before: it ignored SIGTERM
                running.worker.kill()
            else:
                self._stopping.add(invocation_id)
                running.worker.stop_step()
            return
        stopped = self._retries.cancel(ctx, invocation_id)  # a retry was pending
        if stopped is not None:
            self._done.append(stopped)

    def shutdown(self) -> None:
        for running in self._running.values():
            running.worker.stop_step()
            running.worker.close()
        for worker in self._idle:
            # Idle workers have sent every result and hold nothing: end them at once (a
            # polite request would wait out the garbage collection they run between steps)
            # and reap them now, so that none lingers as a zombie in a long-lived process
            # such as a notebook's kernel.
            worker.kill()
            worker.close(wait=False)
        self._closing.extend(self._idle)
        deadline = time.monotonic() + 2.0
        for worker in self._closing:
            worker.process.join(max(0.0, deadline - time.monotonic()))
        self._closing = [worker for worker in self._closing if worker.process.is_alive()]
        self._running.clear()
        self._idle.clear()
        self._retries.clear()
        self._stopping.clear()
        gc.unfreeze()
