"""The one run loop, shared by every orchestrator and by static and dynamic runs alike.

Ask the scheduler what to do, launch steps, wait for the first to finish, report the event,
repeat until a condition holds. A static run loops until the scheduler says the run is
finished; a dynamic run adds steps as its pipeline function calls them and loops until the
step it waits for has ended. Orchestrators supply only how a step is launched, awaited and
stopped (`BaseOrchestrator`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import TYPE_CHECKING
from uuid import UUID

from stepwell.enums import ExecutionStatus
from stepwell.execution.launcher import StepOutcome
from stepwell.execution.resources import check_fits, demand_of
from stepwell.execution.run_context import RunContext
from stepwell.execution.scheduler import Decision, Scheduler
from stepwell.logger import get_logger
from stepwell.orchestrators.events import emit
from stepwell.store.models import NewStepRun

if TYPE_CHECKING:
    from stepwell.compiler.spec import InvocationSpec
    from stepwell.orchestrators.base import BaseOrchestrator

logger = get_logger(__name__)


class RunLoop:
    """Drives one run on one orchestrator: the scheduler decides, the orchestrator launches."""

    def __init__(
        self, orchestrator: BaseOrchestrator, ctx: RunContext, scheduler: Scheduler
    ) -> None:
        self.orchestrator = orchestrator
        self.ctx = ctx
        self.scheduler = scheduler
        self.outcomes: dict[str, StepOutcome] = {}

    def start(self, invocation_ids: Iterable[str]) -> None:
        """Get the orchestrator ready, announce the run, launch what can start."""
        self.orchestrator.prepare(self.ctx)
        emit("run_started", self.ctx.run, list(invocation_ids))
        self.apply(self.scheduler.start())

    def add(self, invocation: InvocationSpec) -> None:
        """Add a step to the running run (dynamic runs) and launch it if it can start."""
        demand = demand_of(invocation.config.settings, f"step '{invocation.id}'")
        check_fits({invocation.id: demand}, self.orchestrator.capacity)
        self.ctx.add_invocation(invocation)
        self.apply(self.scheduler.add_step(invocation.id, invocation.upstream, demand))

    def run_until(self, done: Callable[[], bool]) -> None:
        """Wait for steps and act on how they end until `done()` holds.

        Ctrl-C is checked between events (see `orchestrators.interrupts`)."""
        interrupts = self.orchestrator.interrupts
        while True:
            interrupts.check()
            if done():
                return
            self.step()

    def run_to_end(self) -> dict[str, StepOutcome]:
        """Run every step to its end; returns each step's outcome."""
        self.run_until(lambda: self.scheduler.is_finished)
        return self.outcomes

    def step(self) -> None:
        """Wait for one launched step to end and act on it."""
        outcome = self.orchestrator.next_outcome(self.ctx)
        self.outcomes[outcome.invocation_id] = outcome
        self.apply(self.report(outcome))

    def report(self, outcome: StepOutcome) -> Decision:
        """Tell the scheduler how a step ended; returns what to do next."""
        emit("step_changed", outcome.invocation_id, outcome.status, outcome.duration)
        if outcome.status.is_successful:
            self.ctx.outputs[outcome.invocation_id] = outcome.outputs
            return self.scheduler.succeeded(outcome.invocation_id)
        if outcome.status is ExecutionStatus.STOPPED:
            return self.scheduler.stopped(outcome.invocation_id)
        return self.scheduler.failed_step(outcome.invocation_id)

    def apply(self, decision: Decision) -> None:
        """Carry out a scheduler decision: record skips, stop and launch steps."""
        for invocation_id in decision.skip:
            record_unrun_step(self.ctx, invocation_id, ExecutionStatus.SKIPPED)
            emit("step_changed", invocation_id, ExecutionStatus.SKIPPED, None)
            logger.info("Skipping step %s.", invocation_id)
        for invocation_id in decision.stop:
            self.orchestrator.stop(self.ctx, invocation_id)
        for invocation_id in decision.launch:
            # The orchestrator announces `running` itself (`events.step_started`) once the
            # step really starts: a cache hit never runs.
            self.orchestrator.launch(self.ctx, invocation_id)

    def stop_everything(self) -> None:
        """Start nothing more, stop what runs, and wait for the running steps to end."""
        decision = self.scheduler.request_stop()
        for invocation_id in decision.skip:
            record_unrun_step(self.ctx, invocation_id, ExecutionStatus.SKIPPED)
        for invocation_id in decision.stop:
            self.orchestrator.stop(self.ctx, invocation_id)
        while self.scheduler.running:
            try:
                outcome = self.orchestrator.next_outcome(self.ctx)
            except KeyboardInterrupt:  # asked again: stop again (harder, where possible)
                running = self.scheduler.running
                logger.warning("Interrupted again; stopping %s.", ", ".join(running))
                for invocation_id in running:
                    self.orchestrator.stop(self.ctx, invocation_id)
                continue
            self.outcomes[outcome.invocation_id] = outcome
            self.report(outcome)

    def close(self) -> None:
        """Release what the orchestrator holds for this run."""
        self.orchestrator.shutdown()


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
