"""The launcher: the life of one step invocation, as seen by the orchestrating process.

plan (resolve inputs, cache key) -> reuse a cached run, or: start an attempt (record the
step run) -> run the attempt where the step runs (`attempt.run_attempt`) -> finish it
(record outputs and status). Retries repeat the middle with backoff. Orchestrators call
these phases (the local one across worker processes, the inline one in this process).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from uuid import UUID, uuid4

from stepwell.compiler.spec import InvocationSpec
from stepwell.config.cache_policy import CachePolicy
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import DeferredWriteError, EntityExistsError
from stepwell.execution import cache
from stepwell.execution.artifact_outputs import discard_bytes, grouped_fields, tag_recorded
from stepwell.execution.attempt import AttemptResult
from stepwell.execution.failure_log import append_to_log, failure_text
from stepwell.execution.fingerprints import (
    cache_func_value,
    file_dependency_digests,
    source_dependency_digests,
    step_code_fingerprint_parts,
)
from stepwell.execution.inputs import paired_refs, resolve_inputs
from stepwell.execution.outputs import output_uris
from stepwell.execution.retry import retry_delays
from stepwell.execution.run_context import RunContext
from stepwell.execution.step_logs import logs_uri_for
from stepwell.execution.step_tags import record_deferred, unrecorded_writes
from stepwell.logger import get_logger
from stepwell.steps.base_step import BaseStep
from stepwell.store.durations import seconds_between
from stepwell.store.models import ArtifactVersionResponse, NewStepRun, StepRunResponse
from stepwell.store.pending import clean_failed_attempt, discard_attempt_bytes
from stepwell.utils.sources import load_source

logger = get_logger(__name__)
DEFAULT_POLICY = CachePolicy()


@dataclass
class StepOutcome:
    """How one step invocation ended, reported back to the orchestrator's loop."""

    invocation_id: str
    status: ExecutionStatus
    step_run_id: UUID | None = None
    outputs: dict[str, list[ArtifactVersionResponse]] = field(default_factory=dict)
    error: BaseException | None = None
    traceback: str | None = None
    # The step run's recorded `end_time - start_time` (the one definition of a duration,
    # `stepwell.store.durations`): live displays show what `runs describe` shows later.
    duration: float | None = None


@dataclass
class LaunchPlan:
    """Everything decided about a step before its code runs: inputs, cache key, retries."""

    invocation: InvocationSpec
    step: BaseStep[Any, Any]
    artifacts: dict[str, list[ArtifactVersionResponse]]
    input_ids: dict[str, list[UUID]]
    components: dict[str, str]
    key: str
    retry_delays: list[float]
    # Where the current attempt writes its outputs: chosen, and recorded as pending, by
    # `start_attempt` in the orchestrating process before the worker writes anything.
    output_uris: dict[str, str] = field(default_factory=dict)

    @property
    def max_attempts(self) -> int:
        return len(self.retry_delays) + 1

    def __getstate__(self) -> dict[str, Any]:
        # The step object may live only in this process tree (a notebook, `__main__`);
        # its source reference finds it again on the other side of a fork.
        state = dict(self.__dict__)
        state.pop("step")
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.step = load_source(self.invocation.step_source)


def now() -> datetime:
    return datetime.now(timezone.utc)


def plan_step(ctx: RunContext, invocation_id: str) -> LaunchPlan:
    """Resolve a step's inputs and compute its cache key (no user code runs)."""
    invocation = ctx.invocation(invocation_id)
    step = step_object(ctx, invocation)
    artifacts = resolve_inputs(ctx, invocation)
    input_ids = {name: [v.id for v in versions] for name, versions in artifacts.items()}
    components = key_components(ctx, step, invocation, artifacts)
    return LaunchPlan(
        invocation,
        step,
        artifacts,
        input_ids,
        components,
        cache.cache_key(components),
        retry_delays(invocation.config.retry),
    )


def key_components(
    ctx: RunContext,
    step: BaseStep[Any, Any],
    invocation: InvocationSpec,
    artifacts: dict[str, list[ArtifactVersionResponse]],
) -> dict[str, str]:
    """The cache key's parts for this invocation, under its cache policy."""
    policy = invocation.config.cache_policy or DEFAULT_POLICY
    root = ctx.source_root
    code, code_parts = (
        step_code_fingerprint_parts(step.entrypoint, root)
        if policy.include_step_code
        else (None, None)
    )
    return cache.cache_components(
        policy=policy,
        code=code,
        code_parts=code_parts,
        parameters=invocation.config.parameters,
        inputs={
            name: [
                (_element_key(v.content_hash, ref), _element_key(str(v.id), ref))
                for v, ref in zip(
                    versions, paired_refs(invocation.inputs[name], versions), strict=True
                )
            ]
            for name, versions in artifacts.items()
        },
        outputs={o.name: o.materializer or o.data_type for o in invocation.outputs},
        environment=invocation.config.environment,
        settings=invocation.config.settings,
        artifact_store=ctx.artifact_store.path,
        files=file_dependency_digests(policy, invocation.id, root)
        if policy.file_dependencies
        else None,
        sources=source_dependency_digests(policy, invocation.id)
        if policy.source_dependencies
        else None,
        cache_func_value=cache_func_value(policy, invocation.id),
    )


def _element_key(identity: str | None, ref: Any) -> str | None:
    """An input's identity; a mapped element is identified by its own content."""
    if ref is None or ref.index is None or identity is None:
        return identity
    return ref.element_hash or f"{identity}[{ref.index}]"


def try_cached(ctx: RunContext, plan: LaunchPlan) -> StepOutcome | None:
    """Reuse an earlier identical step run when caching allows; None on a miss."""
    invocation = plan.invocation
    if invocation.config.enable_cache is False:
        return None
    original = ctx.store.find_cached_step_run(plan.key)
    if original is None or set(original.outputs) != {o.name for o in invocation.outputs}:
        return None
    policy = invocation.config.cache_policy or DEFAULT_POLICY
    if policy.expires_after is not None and original.end_time is not None:
        age = (now() - original.end_time).total_seconds()
        if age > policy.expires_after:
            logger.info(
                "The cached result of step %s has expired; running it again.", invocation.id
            )
            return None
    versions = [v for vs in original.outputs.values() for v in vs]
    if not all(ctx.artifact_store.exists(v.uri) for v in versions):
        logger.info("Cached outputs of step %s are gone; running it again.", invocation.id)
        return None
    stamp = now()
    record = NewStepRun(
        pipeline_run_id=ctx.run.id,
        name=invocation.id,
        step_name=invocation.step_name,
        config=invocation.config,
        status=ExecutionStatus.CACHED,
        inputs=plan.input_ids,
        outputs={name: [v.id for v in vs] for name, vs in original.outputs.items()},
        start_time=stamp,
        end_time=stamp,
        cache_key=plan.key,
        cache_components=plan.components,
        original_step_run_id=original.id,
        source_code_hash=plan.components.get("code"),
        created=stamp,
        model_version_id=_model_version_id(ctx, invocation),
    )
    ctx.record_later(record)  # written with the rest of this burst of hits
    logger.info("Using cached version of step %s.", invocation.id)
    seconds = seconds_between(record.start_time, record.end_time)
    return StepOutcome(
        invocation.id, ExecutionStatus.CACHED, record.id, original.outputs, duration=seconds
    )


def start_attempt(ctx: RunContext, plan: LaunchPlan, attempt: int) -> StepRunResponse:
    """Record the step run of one attempt as running, with its inputs and log location."""
    invocation = plan.invocation
    logs_uri = None
    if invocation.config.enable_step_logs is not False:
        logs_uri = logs_uri_for(ctx.artifact_store, ctx.run.id, f"{invocation.id}-{uuid4().hex}")
    uris = output_uris(ctx.artifact_store, invocation)
    logger.info("Step %s has started.", invocation.id)
    ctx.flush_records()  # the step may read the store: cache hits before it must be there
    step_run = ctx.store.create_step_run(
        pipeline_run_id=ctx.run.id,
        name=invocation.id,
        step_name=invocation.step_name,
        config=invocation.config,
        status=ExecutionStatus.RUNNING,
        inputs=plan.input_ids,
        start_time=now(),
        attempt=attempt,
        cache_key=plan.key,
        cache_components=plan.components,
        source_code_hash=plan.components.get("code"),
        logs_uri=logs_uri,
        hydrate=False,
        pending_uris=list(uris.values()),  # write-ahead: recorded before any byte is written
        model_version_id=_model_version_id(ctx, invocation),
    )
    plan.output_uris = uris
    step_run.inputs = dict(plan.artifacts)  # known already: saves the store a query
    return step_run


def finish_attempt(
    ctx: RunContext,
    plan: LaunchPlan,
    step_run: StepRunResponse,
    result: AttemptResult,
    final: bool = True,
) -> StepOutcome:
    """Record how an attempt ended: outputs and `completed`, `failed`, `retried` or `stopped`."""
    invocation_id = plan.invocation.id
    ended = now()
    seconds = seconds_between(step_run.start_time, ended)  # as the store will tell it
    if result.status is ExecutionStatus.COMPLETED:
        try:
            # What it logged goes in the same transaction (it may link its own outputs).
            outputs = ctx.store.complete_step_run(
                step_run.id,
                end_time=ended,
                outputs=grouped_fields(result.outputs, step_run.id),
                model_version_id=step_run.model_version_id,
                deferred=result.deferred,
            )
        except (EntityExistsError, DeferredWriteError) as error:
            # A custom version its artifact has already, or something it logged whose
            # target went meanwhile: the step fails, and none of its outputs is recorded.
            discard_bytes(ctx.artifact_store, result.outputs)
            clean_failed_attempt(ctx.store, step_run.id)
            logger.error("Step %s failed: %s", invocation_id, error)
            kind = type(error).__name__
            result = AttemptResult(
                ExecutionStatus.FAILED,
                error=error,
                traceback=f"{kind}: {error}",
                status_message=f"{kind}: {error}",
                deferred=unrecorded_writes(result.deferred, result.outputs),
            )
        else:
            tag_recorded(ctx.store, outputs, result.outputs)
            logger.info("Step %s has finished in %.3fs.", invocation_id, seconds or 0.0)
            return StepOutcome(
                invocation_id, ExecutionStatus.COMPLETED, step_run.id, outputs, duration=seconds
            )
    # Before the status: whoever sees the step ended sees what it logged.
    record_deferred(ctx.store, result.deferred, invocation_id)
    status = result.status
    failed = status is ExecutionStatus.FAILED and result.traceback is not None
    if failed and not result.logged and step_run.logs_uri is not None:
        # It failed where its log could not tell why: the log gets the traceback now.
        append_to_log(
            ctx.artifact_store,
            step_run.logs_uri,
            failure_text(invocation_id, result.traceback or ""),
        )
    if status is ExecutionStatus.FAILED and not final:
        status = ExecutionStatus.RETRIED
    # What this attempt wrote (a finished output of several, a partial one) is recorded
    # nowhere: its bytes go first (this process chose where they went), then the status and
    # the write-ahead records in one transaction. A crash in between leaves records of bytes
    # that are gone, which the next prune forgets.
    removed = discard_attempt_bytes(plan.output_uris)
    ctx.store.update_step_run(
        step_run.id,
        status=status,
        end_time=ended,
        exception=result.traceback,
        status_message=result.status_message,
        hydrate=False,
        forget_pending=removed,
    )
    if not removed:  # a location could not be cleared: leave it to the records' clean-up
        clean_failed_attempt(ctx.store, step_run.id)
    return StepOutcome(
        invocation_id,
        status,
        step_run.id,
        error=result.error,
        traceback=result.traceback,
        duration=seconds,
    )


def log_retry(plan: LaunchPlan, attempt: int) -> None:
    logger.warning(
        "Step %s failed on attempt %d of %d; retrying in %.1fs.",
        plan.invocation.id,
        attempt,
        plan.max_attempts,
        plan.retry_delays[attempt - 1],
    )


def _model_version_id(ctx: RunContext, invocation: InvocationSpec) -> UUID | None:
    """The id of the model version the invocation's outputs are linked to, if it has one."""
    version = ctx.model_version(invocation)
    return None if version is None else version.id  # type: ignore[no-any-return]


def step_object(ctx: RunContext, invocation: InvocationSpec) -> BaseStep[Any, Any]:
    """The step of an invocation, imported once per run."""
    step = ctx.step_objects.get(invocation.step_source)
    if step is None:
        step = load_source(invocation.step_source)
        ctx.step_objects[invocation.step_source] = step
    return step
