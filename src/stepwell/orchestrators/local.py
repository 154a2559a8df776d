"""The local orchestrator: each step attempt in a child process forked from this one.

Ready steps run side by side up to `max_parallelism` (default: the larger of 8 and 4 x the
CPU count, so waiting steps overlap beyond the core count). Forking means steps defined in
`__main__` or a notebook need no importable module path. Children only run user code and
write artifact bytes; this process records everything in the store, so children need no
database connection. A step that kills its interpreter fails only itself (recorded with the
signal's name); stopping a step sends it SIGTERM, raising `RunStoppedSignal` inside it.
Retries wait on a timer here, so a FAIL_FAST stop also cancels a pending retry.
"""

from __future__ import annotations

import gc
import heapq
import multiprocessing
import os
import pickle
import signal
import sys
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from stepwell.enums import ExecutionStatus
from stepwell.exceptions import ConfigurationError, RunStoppedSignal, StepFailedError
from stepwell.execution.attempt import AttemptResult, run_attempt
from stepwell.execution.launcher import (
    LaunchPlan,
    StepOutcome,
    finish_attempt,
    log_retry,
    plan_step,
    start_attempt,
    try_cached,
)
from stepwell.execution.run_context import RunContext
from stepwell.orchestrators.base import BaseOrchestrator, record_unrun_step
from stepwell.store.models import StepRunResponse
from stepwell.utils.code_hash import function_source_hash

STOP_GRACE_SECONDS = 5.0


def default_max_parallelism() -> int:
    return max(8, 4 * (os.cpu_count() or 1))


@dataclass
class _Child:
    plan: LaunchPlan
    step_run: StepRunResponse
    attempt: int
    process: Any
    receiver: Connection


class LocalOrchestrator(BaseOrchestrator):
    """Steps run in parallel child processes on this machine."""

    def __init__(self, max_parallelism: int | None = None) -> None:
        if max_parallelism is not None and max_parallelism < 1:
            raise ConfigurationError(
                f"max_parallelism must be at least 1, got {max_parallelism}; "
                "set it to 1 to run steps one at a time."
            )
        self.max_parallelism = max_parallelism or default_max_parallelism()
        self._fork = multiprocessing.get_context("fork")
        self._children: dict[str, _Child] = {}
        self._exiting: list[Any] = []  # children that reported and are exiting: reaped later
        self._done: deque[StepOutcome] = deque()
        self._retries: list[tuple[float, str, int, LaunchPlan]] = []

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> LocalOrchestrator:
        return cls(max_parallelism=settings.get("max_parallelism"))

    def prepare(self, ctx: RunContext) -> None:
        """Import what every step needs once here, so forked children start warm."""
        from stepwell.materializers.loading import content_hash  # noqa: F401
        from stepwell.materializers.registry import materializer_registry

        materializer_registry.get_materializer_for_type(int)
        from stepwell.execution.launcher import step_object

        for invocation in ctx.spec.invocations:
            function_source_hash(step_object(ctx, invocation).entrypoint)
        # Children would otherwise touch every inherited object on their first garbage
        # collection, copying most of this process's memory page by page.
        gc.freeze()

    # -- launching ----------------------------------------------------------------------------
    def launch(self, ctx: RunContext, invocation_id: str) -> None:
        plan = plan_step(ctx, invocation_id)
        cached = try_cached(ctx, plan)  # decided here: a cache hit needs no child at all
        if cached is not None:
            self._done.append(cached)
            return
        self._start(ctx, plan, attempt=1)

    def _start(self, ctx: RunContext, plan: LaunchPlan, attempt: int) -> None:
        step_run = start_attempt(ctx, plan, attempt)
        receiver, sender = self._fork.Pipe(duplex=False)
        last = attempt >= plan.max_attempts
        process = self._fork.Process(
            target=_child_main,
            args=(ctx, plan, step_run, last, sender),
            name=f"step-{plan.invocation.id}",
        )
        process.start()
        sender.close()
        self._children[plan.invocation.id] = _Child(plan, step_run, attempt, process, receiver)

    # -- waiting ------------------------------------------------------------------------------
    def wait(self, ctx: RunContext) -> StepOutcome:
        while True:
            if self._done:
                return self._done.popleft()
            self._start_due_retries(ctx)
            if not self._children:
                # Only retries are pending: sleep until the next one is due.
                time.sleep(max(0.0, self._retries[0][0] - time.monotonic()))
                continue
            timeout = None
            if self._retries:
                timeout = max(0.0, self._retries[0][0] - time.monotonic())
            handles: dict[Any, str] = {}
            for invocation_id, child in self._children.items():
                handles[child.receiver] = invocation_id
                handles[child.process.sentinel] = invocation_id
            ready = wait(list(handles), timeout)
            if not ready:
                continue
            # Prefer a readable pipe over a bare sentinel: the child reports, then exits.
            chosen = next((h for h in ready if isinstance(h, Connection)), ready[0])
            outcome = self._collect(ctx, self._children.pop(handles[chosen]))
            if outcome is not None:
                return outcome

    def _collect(self, ctx: RunContext, child: _Child) -> StepOutcome | None:
        result: AttemptResult | None = None
        try:
            if child.receiver.poll():
                result = child.receiver.recv()
        except (EOFError, OSError, pickle.UnpicklingError):
            result = None
        finally:
            child.receiver.close()
        if result is None:
            child.process.join()
            result = _silent_death(child.plan.invocation.id, child.process.exitcode)
        else:
            # It has reported; don't wait for its exit (unmapping its memory takes a while).
            self._exiting.append(child.process)
            self._exiting = [p for p in self._exiting if p.exitcode is None]
        final = child.attempt >= child.plan.max_attempts
        outcome = finish_attempt(ctx, child.plan, child.step_run, result, final=final)
        if outcome.status is ExecutionStatus.RETRIED:
            log_retry(child.plan, child.attempt)
            due = time.monotonic() + child.plan.retry_delays[child.attempt - 1]
            heapq.heappush(
                self._retries, (due, child.plan.invocation.id, child.attempt + 1, child.plan)
            )
            return None
        return outcome

    def _start_due_retries(self, ctx: RunContext) -> None:
        while self._retries and self._retries[0][0] <= time.monotonic():
            _, _, attempt, plan = heapq.heappop(self._retries)
            self._start(ctx, plan, attempt)

    # -- stopping -----------------------------------------------------------------------------
    def stop(self, ctx: RunContext, invocation_id: str) -> None:
        child = self._children.get(invocation_id)
        if child is not None and child.process.is_alive():
            child.process.terminate()
            return
        for entry in list(self._retries):
            if entry[1] == invocation_id:  # a retry was pending: cancel it
                self._retries.remove(entry)
                heapq.heapify(self._retries)
                record_unrun_step(ctx, invocation_id, ExecutionStatus.STOPPED)
                self._done.append(StepOutcome(invocation_id, ExecutionStatus.STOPPED))

    def shutdown(self) -> None:
        for child in self._children.values():
            if child.process.is_alive():
                child.process.terminate()
                child.process.join(STOP_GRACE_SECONDS)
                if child.process.is_alive():
                    child.process.kill()
                    child.process.join()
            child.receiver.close()
        for process in self._exiting:
            process.join()
        self._exiting.clear()
        self._children.clear()
        self._retries.clear()
        gc.unfreeze()


def _raise_stop(signum: int, frame: Any) -> None:
    raise RunStoppedSignal(f"Stopped by signal {signal.Signals(signum).name}.")


def _child_main(
    ctx: RunContext, plan: LaunchPlan, step_run: StepRunResponse, last: bool, sender: Connection
) -> None:
    """Body of a step's child process: run the attempt, report, exit without cleanup handlers."""
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C stops
    gc.disable()  # a short-lived child: collecting would copy the parent's pages
    code = 0
    try:
        result = run_attempt(ctx, plan, step_run, last_attempt=last)
    except RunStoppedSignal as stop:
        result = AttemptResult(ExecutionStatus.STOPPED, status_message=str(stop))
    except BaseException as error:  # a framework error: report it rather than die silently
        import traceback

        result = AttemptResult(
            ExecutionStatus.FAILED,
            error=error,
            traceback=traceback.format_exc(),
            status_message=f"{type(error).__name__}: {error}",
        )
        code = 1
    try:
        if result.error is not None:
            result.error = _picklable(result.error)
        sender.send(result)
    finally:
        sender.close()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _picklable(error: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:
        return StepFailedError(f"{type(error).__name__}: {error}")


def _silent_death(invocation_id: str, exitcode: int | None) -> AttemptResult:
    if exitcode is not None and exitcode < 0:
        cause = f"killed by signal {signal.Signals(-exitcode).name}"
    else:
        cause = f"exited with code {exitcode}"
    text = f"The process of step '{invocation_id}' died without reporting: {cause}."
    return AttemptResult(
        ExecutionStatus.FAILED, error=StepFailedError(text), traceback=text, status_message=text
    )
