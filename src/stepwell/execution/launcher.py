"""The launcher: run one step of a run, wherever it runs (calling process, child, worker).

The one place that loads inputs, checks the cache, calls user code (with retries, inside a
step context, with logs captured), saves outputs and records the step run. It needs only
a `RunContext` and an invocation id, so it runs the same in a forked child or a worker.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from uuid import UUID, uuid4

from stepwell.compiler.spec import InvocationSpec
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import RunStoppedSignal
from stepwell.execution import cache
from stepwell.execution.hooks import run_failure_hook, run_success_hook
from stepwell.execution.inputs import load_inputs, resolve_inputs
from stepwell.execution.outputs import output_uris, save_outputs, split_outputs
from stepwell.execution.retry import retry_delays
from stepwell.execution.run_context import RunContext
from stepwell.execution.step_logs import capture_step_logs, logs_uri_for
from stepwell.execution.user_code import failure_of, user_code
from stepwell.logger import get_logger
from stepwell.steps.base_step import BaseStep
from stepwell.steps.step_context import StepContext, step_context
from stepwell.store.models import ArtifactVersionResponse, StepRunResponse
from stepwell.utils.code_hash import function_source_hash
from stepwell.utils.sources import load_source

logger = get_logger(__name__)


@dataclass
class StepOutcome:
    """How one step invocation ended, reported back to the orchestrator."""

    invocation_id: str
    status: ExecutionStatus
    step_run_id: UUID | None = None
    outputs: dict[str, list[ArtifactVersionResponse]] = field(default_factory=dict)
    error: BaseException | None = None
    traceback: str | None = None


def now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class LaunchPlan:
    """Everything decided about a step before user code runs: inputs and cache key."""

    invocation: InvocationSpec
    step: BaseStep[Any, Any]
    artifacts: dict[str, list[ArtifactVersionResponse]]
    input_ids: dict[str, list[UUID]]
    components: dict[str, str]
    key: str


def plan_step(ctx: RunContext, invocation_id: str) -> LaunchPlan:
    """Resolve a step's inputs and compute its cache key (cheap; no user code runs)."""
    invocation = ctx.spec.by_id[invocation_id]
    step = _step_object(ctx, invocation)
    artifacts = resolve_inputs(ctx, invocation)
    input_ids = {name: [v.id for v in versions] for name, versions in artifacts.items()}
    components = _cache_components(ctx, step, invocation, artifacts)
    return LaunchPlan(
        invocation, step, artifacts, input_ids, components, cache.cache_key(components)
    )


def try_cached(ctx: RunContext, plan: LaunchPlan) -> StepOutcome | None:
    """Reuse an earlier identical step run when caching allows; None on a miss."""
    if not _caching_enabled(plan.invocation):
        return None
    return _reuse_cached(ctx, plan.invocation, plan.key, plan.components, plan.input_ids)


def launch_step(
    ctx: RunContext,
    invocation_id: str,
    sleep: Callable[[float], None] = time.sleep,
    plan: LaunchPlan | None = None,
) -> StepOutcome:
    """Run (or reuse from the cache) one invocation and record it; never raises for user errors."""
    if plan is None:
        plan = plan_step(ctx, invocation_id)
        cached = try_cached(ctx, plan)
        if cached is not None:
            return cached
    return execute_step(ctx, plan, sleep)


def execute_step(
    ctx: RunContext, plan: LaunchPlan, sleep: Callable[[float], None] = time.sleep
) -> StepOutcome:
    """Run the step's code, retrying as configured; record every attempt."""
    invocation = plan.invocation
    delays = retry_delays(invocation.config.retry)
    attempt = 1
    while True:
        outcome = _attempt(
            ctx,
            plan.step,
            invocation,
            plan.artifacts,
            plan.input_ids,
            plan.key,
            plan.components,
            attempt,
        )
        if outcome.status is not ExecutionStatus.FAILED or attempt > len(delays):
            return outcome
        wait = delays[attempt - 1]
        ctx.store.update_step_run(outcome.step_run_id, status=ExecutionStatus.RETRIED)  # type: ignore[arg-type]
        logger.warning(
            "Step %s failed on attempt %d of %d; retrying in %.1fs.",
            invocation.id,
            attempt,
            len(delays) + 1,
            wait,
        )
        sleep(wait)
        attempt += 1


def _attempt(
    ctx: RunContext,
    step: BaseStep[Any, Any],
    invocation: InvocationSpec,
    artifacts: dict[str, list[ArtifactVersionResponse]],
    input_ids: dict[str, list[UUID]],
    key: str,
    components: dict[str, str],
    attempt: int,
) -> StepOutcome:
    started = now()
    logs_enabled = invocation.config.enable_step_logs is not False
    logs_uri = (
        logs_uri_for(ctx.artifact_store, ctx.run.id, f"{invocation.id}-{uuid4().hex}")
        if logs_enabled
        else None
    )
    step_run = ctx.store.create_step_run(
        pipeline_run_id=ctx.run.id,
        name=invocation.id,
        step_name=invocation.step_name,
        config=invocation.config,
        status=ExecutionStatus.RUNNING,
        inputs=input_ids,
        start_time=started,
        attempt=attempt,
        cache_key=key,
        cache_components=components,
        source_code_hash=components["code"],
        logs_uri=logs_uri,
    )
    uris = output_uris(ctx, invocation)
    context = StepContext(
        pipeline_run=ctx.run,
        step_run=step_run,
        pipeline=getattr(ctx, "pipeline", None) or _PipelineView(ctx.run.pipeline_name),
        output_uris=uris,
        output_materializers={o.name: o.materializer for o in invocation.outputs},
        output_types={name: out.annotation for name, out in step.outputs.items()},
    )
    logger.info("Step %s has started.", invocation.id)
    try:
        with _maybe_capture(ctx, logs_uri), step_context(context), _environment(invocation):
            try:
                kwargs = load_inputs(step, invocation, artifacts)
                with user_code(f"step '{invocation.id}'"):
                    returned = step.entrypoint(**kwargs)
                values = split_outputs(step, invocation.id, returned)
                saved = save_outputs(
                    ctx, step, invocation, values, uris, step_run.id, context.output_metadata
                )
            except RunStoppedSignal:
                raise
            except Exception as error:
                return _failed(ctx, invocation, step_run, error)
            finished = ctx.store.update_step_run(
                step_run.id,
                status=ExecutionStatus.COMPLETED,
                end_time=now(),
                outputs={name: [v.id for v in versions] for name, versions in saved.items()},
            )
            context.step_run = finished
            run_success_hook(invocation.config.on_success, invocation.id)
    except RunStoppedSignal:
        ctx.store.update_step_run(step_run.id, status=ExecutionStatus.STOPPED, end_time=now())
        logger.warning("Step %s was stopped.", invocation.id)
        return StepOutcome(invocation.id, ExecutionStatus.STOPPED, step_run.id)
    duration = (finished.end_time or started) - started
    logger.info("Step %s has finished in %.3fs.", invocation.id, duration.total_seconds())
    return StepOutcome(invocation.id, ExecutionStatus.COMPLETED, step_run.id, saved)


def _failed(
    ctx: RunContext,
    invocation: InvocationSpec,
    step_run: StepRunResponse,
    error: BaseException,
) -> StepOutcome:
    failure = failure_of(error)
    logger.error("Step %s failed (%s):\n%s", invocation.id, failure.where, failure.traceback)
    ctx.store.update_step_run(
        step_run.id,
        status=ExecutionStatus.FAILED,
        end_time=now(),
        exception=failure.traceback,
        status_message=f"{type(error).__name__}: {error}",
    )
    run_failure_hook(invocation.config.on_failure, invocation.id, error)
    return StepOutcome(
        invocation.id, ExecutionStatus.FAILED, step_run.id, error=error, traceback=failure.traceback
    )


def _reuse_cached(
    ctx: RunContext,
    invocation: InvocationSpec,
    key: str,
    components: dict[str, str],
    input_ids: dict[str, list[UUID]],
) -> StepOutcome | None:
    original = ctx.store.find_cached_step_run(key)
    if original is None or set(original.outputs) != {o.name for o in invocation.outputs}:
        return None
    versions = [v for vs in original.outputs.values() for v in vs]
    if not all(ctx.artifact_store.exists(v.uri) for v in versions):
        logger.info(
            "Cached outputs of step %s are gone from the artifact store; re-running.", invocation.id
        )
        return None
    stamp = now()
    step_run = ctx.store.create_step_run(
        pipeline_run_id=ctx.run.id,
        name=invocation.id,
        step_name=invocation.step_name,
        config=invocation.config,
        status=ExecutionStatus.CACHED,
        inputs=input_ids,
        start_time=stamp,
        end_time=stamp,
        cache_key=key,
        cache_components=components,
        original_step_run_id=original.id,
        source_code_hash=components["code"],
        outputs={name: [v.id for v in vs] for name, vs in original.outputs.items()},
    )
    logger.info("Using cached version of step %s.", invocation.id)
    return StepOutcome(invocation.id, ExecutionStatus.CACHED, step_run.id, original.outputs)


def _caching_enabled(invocation: InvocationSpec) -> bool:
    return invocation.config.enable_cache is not False


def _cache_components(
    ctx: RunContext,
    step: BaseStep[Any, Any],
    invocation: InvocationSpec,
    artifacts: dict[str, list[ArtifactVersionResponse]],
) -> dict[str, str]:
    return cache.cache_components(
        code=function_source_hash(step.entrypoint),
        parameters=invocation.config.parameters,
        input_hashes={
            name: [v.content_hash or str(v.id) for v in versions]
            for name, versions in artifacts.items()
        },
        outputs={o.name: o.materializer or o.data_type for o in invocation.outputs},
        environment=invocation.config.environment,
        settings=invocation.config.settings,
        artifact_store=ctx.artifact_store.path,
    )


def _step_object(ctx: RunContext, invocation: InvocationSpec) -> BaseStep[Any, Any]:
    step = ctx.step_objects.get(invocation.step_source)
    if step is None:
        step = load_source(invocation.step_source)
        ctx.step_objects[invocation.step_source] = step
    return step


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
def _environment(invocation: InvocationSpec) -> Iterator[None]:
    variables = invocation.config.environment
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
