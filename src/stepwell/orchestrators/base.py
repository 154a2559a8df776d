"""The one orchestration loop, shared by every orchestrator.

Ask the scheduler what to do, launch steps, wait for the first to finish, report the event,
repeat. Orchestrators differ only in how they launch, wait for and stop a step: in the
calling process (inline), in child processes (local) or on a distributed engine.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime, timezone
from uuid import UUID

from stepwell.enums import ExecutionMode, ExecutionStatus
from stepwell.execution.launcher import StepOutcome
from stepwell.execution.run_context import RunContext
from stepwell.execution.scheduler import Decision, Scheduler
from stepwell.logger import get_logger
from stepwell.orchestrators.events import emit
from stepwell.orchestrators.interrupts import HeldInterrupts, current_interrupts, held_interrupts
from stepwell.store.models import NewStepRun

logger = get_logger(__name__)


class BaseOrchestrator(ABC):
    """Runs a whole pipeline run; subclasses say how a single step is launched."""

    max_parallelism: int | None = None

    @property
    def interrupts(self) -> HeldInterrupts:
        """Where a Ctrl-C may strike in the run in progress (see `orchestrators.interrupts`):
        the handler of whoever holds Ctrl-C back in this thread (`execute_run` does, for
        static and dynamic runs alike)."""
        return current_interrupts()

    @abstractmethod
    def launch(self, ctx: RunContext, invocation_id: str) -> None:
        """Start running one step."""

    @abstractmethod
    def wait(self, ctx: RunContext) -> StepOutcome:
        """Block until one launched step has finished; return how it ended."""

    def would_block(self) -> bool:
        """Whether `wait` may block now (False when an outcome is already at hand)."""
        return True

    def next_outcome(self, ctx: RunContext) -> StepOutcome:
        """`wait`, after writing buffered records if it may block: a burst of cache hits is
        written in one transaction, and never left unwritten while the run waits."""
        if self.would_block():
            ctx.flush_records()
        return self.wait(ctx)

    def stop(self, ctx: RunContext, invocation_id: str) -> None:  # noqa: B027 - optional
        """Stop a running step (orchestrators that can't leave it to finish); a second call
        for the same step may stop it harder. Its outcome still comes from `wait`."""

    def prepare(self, ctx: RunContext) -> None:  # noqa: B027 - optional
        """Get ready to launch this run's steps (warm caches, start workers)."""

    def shutdown(self) -> None:  # noqa: B027 - optional
        """Release whatever the orchestrator holds once the run has ended."""

    def run(self, ctx: RunContext) -> dict[str, StepOutcome]:
        """Run every step of `ctx.run` under its execution mode; returns each step's outcome."""
        spec = ctx.spec
        mode = ExecutionMode(ctx.run.config.execution_mode)
        scheduler = Scheduler(spec.dependencies(), mode, self.max_parallelism)
        outcomes: dict[str, StepOutcome] = {}
        with held_interrupts():
            self.prepare(ctx)
            emit("run_started", ctx.run, [inv.id for inv in spec.invocations])
            decision = scheduler.start()
            try:
                while True:
                    self._apply(ctx, decision)
                    self.interrupts.check()
                    if scheduler.is_finished:
                        break
                    outcome = self.next_outcome(ctx)
                    outcomes[outcome.invocation_id] = outcome
                    decision = self._report(ctx, scheduler, outcome)
            except KeyboardInterrupt:
                logger.warning("Stopping run %s: interrupted.", ctx.run.name)
                self._stop_everything(ctx, scheduler, outcomes)
                raise
            finally:
                self.shutdown()
        return outcomes

    def _report(self, ctx: RunContext, scheduler: Scheduler, outcome: StepOutcome) -> Decision:
        emit("step_changed", outcome.invocation_id, outcome.status, outcome.duration)
        if outcome.status.is_successful:
            ctx.outputs[outcome.invocation_id] = outcome.outputs
            return scheduler.succeeded(outcome.invocation_id)
        if outcome.status is ExecutionStatus.STOPPED:
            return scheduler.stopped(outcome.invocation_id)
        return scheduler.failed_step(outcome.invocation_id)

    def _apply(self, ctx: RunContext, decision: Decision) -> None:
        for invocation_id in decision.skip:
            record_unrun_step(ctx, invocation_id, ExecutionStatus.SKIPPED)
            emit("step_changed", invocation_id, ExecutionStatus.SKIPPED, None)
            logger.info("Skipping step %s.", invocation_id)
        for invocation_id in decision.stop:
            self.stop(ctx, invocation_id)
        for invocation_id in decision.launch:
            emit("step_changed", invocation_id, ExecutionStatus.RUNNING, None)
            self.launch(ctx, invocation_id)

    def _stop_everything(
        self, ctx: RunContext, scheduler: Scheduler, outcomes: dict[str, StepOutcome]
    ) -> None:
        decision = scheduler.request_stop()
        for invocation_id in decision.skip:
            record_unrun_step(ctx, invocation_id, ExecutionStatus.SKIPPED)
        for invocation_id in decision.stop:
            self.stop(ctx, invocation_id)
        while scheduler.running:
            try:
                outcome = self.next_outcome(ctx)
            except KeyboardInterrupt:  # asked again: stop again (harder, where possible)
                logger.warning("Interrupted again; stopping %s.", ", ".join(scheduler.running))
                for invocation_id in scheduler.running:
                    self.stop(ctx, invocation_id)
                continue
            outcomes[outcome.invocation_id] = outcome
            self._report(ctx, scheduler, outcome)


def record_unrun_step(
    ctx: RunContext, invocation_id: str, status: ExecutionStatus, attempt: int = 1
) -> UUID:
    """Record a step (attempt) that never ran: skipped, or stopped before it started.

    Buffered like a cache hit (`RunContext.record_later`): a failure that skips many
    dependants writes them all in one transaction. Returns the step run's id.
    """
    invocation = ctx.invocation(invocation_id)
    record = NewStepRun(
        pipeline_run_id=ctx.run.id,
        name=invocation_id,
        step_name=invocation.step_name,
        config=invocation.config,
        status=status,
        inputs={},
        end_time=datetime.now(timezone.utc),
        attempt=attempt,
    )
    ctx.record_later(record)
    return record.id
