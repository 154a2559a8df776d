"""What an orchestrator is: how one step is launched, awaited and stopped.

Orchestrators differ only in that: in the calling process (inline), in child processes
(local) or on a distributed engine. The loop that drives a run is `orchestrators.loop`,
shared by all of them and by static and dynamic runs alike.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from stepwell.artifact_stores.base import BaseArtifactStore
from stepwell.enums import ExecutionMode
from stepwell.execution.launcher import StepOutcome
from stepwell.execution.resources import Resources, demands_of
from stepwell.execution.run_context import RunContext
from stepwell.execution.scheduler import Scheduler
from stepwell.logger import get_logger
from stepwell.orchestrators.interrupts import HeldInterrupts, current_interrupts, held_interrupts
from stepwell.orchestrators.loop import RunLoop, record_unrun_step

logger = get_logger(__name__)


class BaseOrchestrator(ABC):
    """Runs a whole pipeline run; subclasses say how a single step is launched."""

    max_parallelism: int | None = None
    # What the steps it runs may use together (`settings["resources"]`); None: no limit known.
    capacity: Resources | None = None

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

    def check_before_run(  # noqa: B027 - optional
        self, invocations: list[Any], artifact_store: BaseArtifactStore
    ) -> None:
        """Refuse, before anything is recorded, a run this orchestrator could not carry out
        (an artifact store its workers cannot reach, a step none of them could run)."""

    def prepare(self, ctx: RunContext) -> None:  # noqa: B027 - optional
        """Get ready to launch this run's steps (warm caches, start workers)."""

    def shutdown(self) -> None:  # noqa: B027 - optional
        """Release whatever the orchestrator holds once the run has ended."""

    def run(self, ctx: RunContext) -> dict[str, StepOutcome]:
        """Run every step of `ctx.run` under its execution mode; returns each step's outcome."""
        mode = ExecutionMode(ctx.run.config.execution_mode)
        scheduler = Scheduler(
            ctx.spec.dependencies(),
            mode,
            self.max_parallelism,
            demands=demands_of(ctx.spec.invocations),
            capacity=self.capacity,
        )
        loop = RunLoop(self, ctx, scheduler)
        with held_interrupts():
            try:
                loop.start(inv.id for inv in ctx.spec.invocations)
                return loop.run_to_end()
            except KeyboardInterrupt:
                logger.warning("Stopping run %s: interrupted.", ctx.run.name)
                loop.stop_everything()
                raise
            finally:
                loop.close()


__all__ = ["BaseOrchestrator", "RunLoop", "record_unrun_step"]
