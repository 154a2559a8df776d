"""One attempt at a step's user code: load inputs, call the function, write output bytes.

This is the part of launch that runs where the step runs (a forked child, the calling
process in debug mode, or a worker). It writes no metadata: it returns an `AttemptResult`
(picklable) and the orchestrating process records it, so the metadata store has a single
writer per run and children need no database connection of their own.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from stepwell.enums import ExecutionStatus
from stepwell.exceptions import RunStoppedSignal
from stepwell.execution.artifact_outputs import discard_bytes, with_run_names
from stepwell.execution.hooks import run_failure_hook, run_success_hook
from stepwell.execution.inputs import load_inputs
from stepwell.execution.outputs import (
    SavedOutput,
    clear_hand_written,
    output_uris,
    save_output_bytes,
    split_outputs,
)
from stepwell.execution.run_context import RunContext
from stepwell.execution.step_logs import capture_step_logs
from stepwell.execution.step_tags import add_output_tags, unrecorded_writes
from stepwell.execution.user_code import failure_of, user_code
from stepwell.logger import get_logger
from stepwell.model.model import Model
from stepwell.steps.deferred_writes import DeferredWrite
from stepwell.steps.step_context import StepContext, step_context
from stepwell.store.models import StepRunResponse
from stepwell.utils.async_calls import call
from stepwell.utils.cleanup import cleanup_scope

if TYPE_CHECKING:
    from stepwell.execution.launcher import LaunchPlan

logger = get_logger(__name__)


@dataclass
class AttemptResult:
    """How an attempt ended: its saved outputs, or the error that stopped it."""

    status: ExecutionStatus
    outputs: list[SavedOutput] = field(default_factory=list)
    error: BaseException | None = None
    traceback: str | None = None
    status_message: str | None = None
    # Whether the traceback is in the step's log already (logged inside the capture); if
    # not, the orchestrating process appends it (`failure_log`).
    logged: bool = False
    # Metadata and tags the step logged on its step run, its run or other resources.
    deferred: list[DeferredWrite] = field(default_factory=list)


def run_attempt(
    ctx: RunContext, plan: LaunchPlan, step_run: StepRunResponse, last_attempt: bool = True
) -> AttemptResult:
    """Run the step's code once; hooks fire on success, and on the last failed attempt."""
    invocation, step = plan.invocation, plan.step
    # Chosen (and recorded as pending) by the orchestrating process; fresh ones otherwise.
    uris = plan.output_uris or output_uris(ctx.artifact_store, invocation)
    context = StepContext(
        pipeline_run=ctx.run,
        step_run=step_run,
        pipeline=_PipelineView(ctx.run.pipeline_name),
        output_uris=uris,
        output_materializers={o.name: o.materializer for o in invocation.outputs},
        output_types={name: out.annotation for name, out in step.outputs.items()},
        inputs=plan.artifacts,
    )
    context.artifact_store = ctx.artifact_store  # for `save_artifact` inside the step
    if step_run.model_version_id is not None:  # chosen by the orchestrating process
        context._model = Model.for_version(ctx.model_version_by_id(step_run.model_version_id))
    try:
        with (
            _maybe_capture(ctx, step_run.logs_uri),
            step_context(context),
            cleanup_scope(),  # materializers' temporary folders go when the step ends
            _environment(plan),
        ):
            try:
                kwargs = load_inputs(step, invocation, plan.artifacts)
                with user_code(f"step '{invocation.id}'"):
                    returned = call(step.entrypoint, **kwargs)  # `async def` steps too
                values = split_outputs(step, invocation.id, returned)
                # The returned values are the outputs: bytes written by hand make way.
                clear_hand_written(ctx.artifact_store, uris, context.hand_written_outputs)
                saved = save_output_bytes(
                    ctx.artifact_store,
                    step,
                    with_run_names(invocation, ctx.run),
                    values,
                    uris,
                    context.output_metadata,
                )
                context.outputs_saved = True  # hooks may not write to them any more
                saved += context.manual_outputs  # `save_artifact` calls, recorded as outputs
            except RunStoppedSignal:
                discard_bytes(ctx.artifact_store, context.manual_outputs)
                _discard_hand_written(ctx, uris, context)
                raise
            except (Exception, SystemExit) as error:  # sys.exit() in a step is a failure too
                discard_bytes(ctx.artifact_store, context.manual_outputs)
                _discard_hand_written(ctx, uris, context)
                failure = failure_of(error)
                logger.error("%s:\n%s", failure.headline(invocation.id), failure.traceback)
                logged = step_run.logs_uri is not None and logger.isEnabledFor(logging.ERROR)
                if last_attempt:
                    run_failure_hook(invocation.config.on_failure, invocation.id, error)
                return AttemptResult(
                    ExecutionStatus.FAILED,
                    error=error,
                    traceback=failure.traceback,
                    status_message=f"{type(error).__name__}: {error}",
                    logged=logged,
                    deferred=unrecorded_writes(context.deferred_writes, context.manual_outputs),
                )
            run_success_hook(invocation.config.on_success, invocation.id)
    except RunStoppedSignal as signal:
        logger.warning("Step %s was stopped.", invocation.id)
        return AttemptResult(ExecutionStatus.STOPPED, status_message=str(signal))
    add_output_tags(saved, context.output_tags, ctx.run.config)
    return AttemptResult(ExecutionStatus.COMPLETED, outputs=saved, deferred=context.deferred_writes)


def _discard_hand_written(ctx: RunContext, uris: dict[str, str], context: StepContext) -> None:
    try:
        clear_hand_written(ctx.artifact_store, uris, context.hand_written_outputs)
    except Exception as error:  # best effort: the step's own error is the one to report
        logger.warning("Could not remove bytes a failed step wrote by hand: %s", error)


class _PipelineView:
    """The `pipeline` of a step context: at least its name."""

    def __init__(self, name: str) -> None:
        self.name = name


@contextmanager
def _maybe_capture(ctx: RunContext, logs_uri: str | None) -> Iterator[None]:
    if logs_uri is None:
        yield
        return
    with capture_step_logs(ctx.artifact_store, logs_uri):
        yield


@contextmanager
def _environment(plan: Any) -> Iterator[None]:
    variables = plan.invocation.config.environment
    if not variables:
        yield
        return
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update({name: str(value) for name, value in variables.items()})
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
