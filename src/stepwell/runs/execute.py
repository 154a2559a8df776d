"""Execute a stored run to its end and record how it ended (runs layer).

Used by every way a run starts: a call in this process, a background process, a triggered
run. Ctrl-C is held back to safe points while the run goes on, and the run's end (completed,
failed, stopped) is recorded whatever happens: a failed or stopped run's unfinished step runs
end with it, in the same transaction (`Store.end_run`), so none is left `running`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import datetime, timezone

from stepwell.enums import ExecutionMode, ExecutionStatus
from stepwell.exceptions import PipelineRunFailedError
from stepwell.execution.launcher import StepOutcome
from stepwell.execution.run_context import RunContext
from stepwell.logger import get_logger
from stepwell.orchestrators.base import BaseOrchestrator
from stepwell.orchestrators.events import emit
from stepwell.orchestrators.interrupts import held_interrupts
from stepwell.store.models import PipelineRunResponse
from stepwell.store.pending import released

logger = get_logger(__name__)

Driver = Callable[[RunContext, BaseOrchestrator], dict[str, StepOutcome]]


def execute_run(
    ctx: RunContext,
    orchestrator: BaseOrchestrator,
    raise_on_failure: bool = True,
    driver: Driver | None = None,
) -> PipelineRunResponse:
    """Orchestrate a stored run to its end and record how it ended.

    `driver` replaces the orchestrator's own loop (dynamic pipelines drive it themselves).
    """
    store, run = ctx.store, ctx.run
    # Until the run's end is recorded, Ctrl-C is held back to the points where stopping
    # leaves the store whole (see `orchestrators.interrupts`); it is never lost.
    with held_interrupts():
        try:
            with _pinned_stack(ctx):
                try:
                    outcomes = driver(ctx, orchestrator) if driver else orchestrator.run(ctx)
                except BaseException:
                    with contextlib.suppress(Exception):  # the first error is the one to tell
                        ctx.flush_records()
                    raise
                ctx.flush_records()  # the last buffered cache hits, before the run's end
        except KeyboardInterrupt:
            stopped = store.end_run(
                run.id,
                status=ExecutionStatus.STOPPED,
                end_time=_now(),
                status_message="Interrupted by the user.",
            )
            released(store, stopped)  # bytes of steps cut short, recorded nowhere
            emit("run_finished", stopped)
            raise
        except BaseException as error:
            failed_run = store.end_run(
                run.id,
                status=ExecutionStatus.FAILED,
                end_time=_now(),
                status_message=f"Orchestration failed: {error}",
            )
            released(store, failed_run)
            emit("run_finished", failed_run)
            raise
        status = final_status(outcomes)
        failed = [o for o in outcomes.values() if o.status is ExecutionStatus.FAILED]
        message = (
            f"Failed step(s): {', '.join(o.invocation_id for o in failed)}" if failed else None
        )
        finished = store.end_run(run.id, status=status, end_time=_now(), status_message=message)
    if finished.status is not ExecutionStatus.COMPLETED:
        # Steps cut short may have left bytes; a completed run's steps recorded or removed
        # theirs as they ended (what a failing store kept is left to the next prune).
        released(store, finished)
    _log_summary(finished, outcomes)
    emit("run_finished", finished)
    if failed and raise_on_failure:
        raise_for_failure(finished, failed)
    return finished


def final_status(outcomes: dict[str, StepOutcome]) -> ExecutionStatus:
    """A run failed if any step failed; stopped if a step was stopped; else completed."""
    statuses = {outcome.status for outcome in outcomes.values()}
    if ExecutionStatus.FAILED in statuses:
        return ExecutionStatus.FAILED
    if ExecutionStatus.STOPPED in statuses:
        return ExecutionStatus.STOPPED
    return ExecutionStatus.COMPLETED


def raise_for_failure(run: PipelineRunResponse, failed: list[StepOutcome]) -> None:
    """Raise to the caller: the step's own error under FAIL_FAST, else a summary error."""
    first = failed[0].error
    if run.config.execution_mode is ExecutionMode.FAIL_FAST and first is not None:
        raise first
    names = [outcome.invocation_id for outcome in failed]
    if first is not None and first.__traceback__ is None:
        _say_where_its_traceback_is(first, names[0])
    raise PipelineRunFailedError(
        failure_message(run.name, names), run_name=run.name, reason=failure_reason(names)
    ) from first


def _say_where_its_traceback_is(error: BaseException, step_name: str) -> None:
    """Note on a step's error that came back from its worker without a traceback (they do
    not cross processes) where the traceback is; a script's output would otherwise show the
    error's line bare, as the cause of the run's failure."""
    note = f"(raised in step '{step_name}'; its traceback is in the step's log)"
    if hasattr(error, "add_note") and note not in getattr(error, "__notes__", ()):
        error.add_note(note)


def failure_reason(step_names: list[str]) -> str:
    """What failed, in the words ZenML uses (code may match them)."""
    return f"Pipeline run has failed due to failure in step(s): {', '.join(step_names)}"


def failure_message(run_name: str, step_names: list[str]) -> str:
    """The one line a failed run's error ends a script's output with: what failed, which
    run, and the command that shows the failed step's log."""
    logs = f"stepwell pipeline runs logs {run_name}"
    if len(step_names) == 1:
        logs += f" --step {step_names[0]}"
    return f"{failure_reason(step_names)} (run {run_name}). See the logs with `{logs}`."


def _log_summary(run: PipelineRunResponse, outcomes: dict[str, StepOutcome]) -> None:
    if outcomes and all(o.status is ExecutionStatus.CACHED for o in outcomes.values()):
        logger.info("All steps of the pipeline run were cached.")
    verb = "has finished" if run.status is ExecutionStatus.COMPLETED else f"has {run.status.value}"
    # The recorded start to end, as `stepwell pipeline runs list` shows it later.
    logger.info("Pipeline run %s %s in %.3fs.", run.name, verb, run.duration or 0.0)


@contextlib.contextmanager
def _pinned_stack(ctx: RunContext) -> Iterator[None]:
    stack = getattr(ctx, "stack", None)
    if stack is None:
        yield
        return
    from stepwell.stack.active import using_stack

    with using_stack(stack):
        yield


def _now() -> datetime:
    return datetime.now(timezone.utc)
