"""Submit a run: compile, store the snapshot and the run, orchestrate, report.

The entry point behind calling a pipeline (or a single step outside one). It is the only
place that ties the layers together: compiler -> store -> orchestrator -> store.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from stepwell.artifact_stores.base import BaseArtifactStore
from stepwell.compiler.spec import PipelineSpec
from stepwell.config import environment
from stepwell.config.pipeline_config import PipelineConfig
from stepwell.config.run_name import format_run_name
from stepwell.enums import ExecutionMode, ExecutionStatus
from stepwell.exceptions import (
    DuplicateRunNameError,
    EntityNotFoundError,
    PipelineRunFailedError,
    StoreError,
)
from stepwell.execution.launcher import StepOutcome
from stepwell.execution.run_context import RunContext
from stepwell.logger import get_logger
from stepwell.orchestrators.base import BaseOrchestrator
from stepwell.orchestrators.events import emit
from stepwell.orchestrators.interrupts import held_interrupts
from stepwell.store.base import Store
from stepwell.store.models import PipelineRunResponse

if TYPE_CHECKING:
    from stepwell.pipelines.pipeline import Pipeline
    from stepwell.steps.base_step import BaseStep

logger = get_logger(__name__)


def active_store() -> Store:
    from stepwell.store.active import get_store

    return get_store()


def active_artifact_store() -> BaseArtifactStore:
    return _artifact_store(environment.artifact_store_path())


_ARTIFACT_STORES: dict[str, BaseArtifactStore] = {}


def _artifact_store(path: str) -> BaseArtifactStore:
    store = _ARTIFACT_STORES.get(path)
    if store is None:
        store = _ARTIFACT_STORES[path] = BaseArtifactStore(path)
    return store


def active_orchestrator(
    config: PipelineConfig, stack: Any = None, settings: dict[str, Any] | None = None
) -> BaseOrchestrator:
    """The run's orchestrator: the stack's, with the run's orchestrator settings on top
    (inline, one step at a time in this process, in debug mode)."""
    from stepwell.orchestrators.inline import InlineOrchestrator

    stack = stack or run_stack()
    settings = dict(orchestrator_settings(config, stack) if settings is None else settings)
    settings.pop("synchronous", None)  # how the run is submitted, not how steps launch
    if environment.debug_mode() or settings.pop("debug", False):
        return InlineOrchestrator()
    return stack.make_orchestrator(**settings)  # type: ignore[no-any-return]


def run_stack() -> Any:
    """The active stack (its components say where and how runs go)."""
    from stepwell.stack.active import get_active_stack

    return get_active_stack(active_store())


def stack_artifact_store(stack: Any) -> BaseArtifactStore:
    """The stack's artifact store; the default local one follows STEPWELL_ARTIFACT_STORE_PATH."""
    component = stack.component("artifact_store")
    if component.model.flavor == "local" and not getattr(component.config, "path", None):
        return active_artifact_store()
    return stack.artifact_store  # type: ignore[no-any-return]


def run_pipeline(
    pipeline: Pipeline[Any, Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> PipelineRunResponse:
    """Compile `pipeline` with these arguments, run it, and return its run record."""
    if pipeline.config.dynamic:
        from stepwell.orchestrators.dynamic import run_dynamic

        return run_dynamic(pipeline, args, kwargs)
    spec, config = pipeline.compile(*args, **kwargs)
    return submit(spec, config)


def submit(
    spec: PipelineSpec,
    config: PipelineConfig,
    *,
    is_unlisted: bool = False,
    raise_on_failure: bool = True,
    snapshot_id: Any = None,
    background: bool | None = None,
    driver: Callable[[RunContext, BaseOrchestrator], dict[str, StepOutcome]] | None = None,
) -> PipelineRunResponse:
    """Store a compiled pipeline as a snapshot and a run, then orchestrate the run.

    `driver` replaces the orchestrator's own loop (dynamic pipelines drive it themselves).

    With the orchestrator setting `synchronous: False` the run goes on in a detached
    background process and this returns at once with the run (status `initializing`).
    """
    store = active_store()
    stack = run_stack()
    settings = orchestrator_settings(config, stack)
    orchestrator = active_orchestrator(config, stack, settings)
    synchronous = is_synchronous(config, stack, settings) if background is None else not background
    # Taken once the store is open: a process's first run would otherwise count the time it
    # takes to import and open the store as part of the run.
    started = datetime.now(timezone.utc)
    run_name = format_run_name(config.run_name or None, config.name, started, config.substitutions)
    _check_run_name_free(store, run_name)
    pipeline_id = None if is_unlisted else store.get_or_create_pipeline(config.name).id
    if pipeline_id is not None and snapshot_id is None:
        snapshot_id = store.create_snapshot(
            pipeline_id=pipeline_id,
            spec=spec.model_dump(mode="json"),
            config=config.model_dump(mode="json"),
        ).id
    run = store.create_run(
        name=run_name,
        pipeline_id=pipeline_id,
        pipeline_name=config.name,
        snapshot_id=snapshot_id,
        config=config,
        status=ExecutionStatus.RUNNING if synchronous else ExecutionStatus.INITIALIZING,
        is_unlisted=is_unlisted,
        start_time=started,
        orchestrator_pid=os.getpid() if synchronous else None,
        stack_id=stack.id,
    )
    logger.info("Initiating a new run for the pipeline: %s.", config.name)
    ctx = RunContext(store=store, artifact_store=stack_artifact_store(stack), run=run, spec=spec)
    ctx.stack = stack
    if not synchronous:
        from stepwell.orchestrators.background import start_in_background

        start_in_background(ctx, orchestrator, driver)
        logger.info("Run %s goes on in the background.", run.name)
        return store.get_run(run.id)
    return execute_run(ctx, orchestrator, raise_on_failure=raise_on_failure, driver=driver)


def execute_run(
    ctx: RunContext,
    orchestrator: BaseOrchestrator,
    raise_on_failure: bool = True,
    driver: Callable[[RunContext, BaseOrchestrator], dict[str, StepOutcome]] | None = None,
) -> PipelineRunResponse:
    """Orchestrate a stored run to its end and record how it ended."""
    store, run = ctx.store, ctx.run
    clock = time.perf_counter()
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
            stopped = store.update_run(
                run.id,
                status=ExecutionStatus.STOPPED,
                end_time=_now(),
                status_message="Interrupted by the user.",
            )
            emit("run_finished", stopped)
            raise
        except BaseException as error:
            failed_run = store.update_run(
                run.id,
                status=ExecutionStatus.FAILED,
                end_time=_now(),
                status_message=f"Orchestration failed: {error}",
            )
            emit("run_finished", failed_run)
            raise
        status = final_status(outcomes)
        failed = [o for o in outcomes.values() if o.status is ExecutionStatus.FAILED]
        message = (
            f"Failed step(s): {', '.join(o.invocation_id for o in failed)}" if failed else None
        )
        finished = store.update_run(run.id, status=status, end_time=_now(), status_message=message)
    _log_summary(finished, outcomes, time.perf_counter() - clock)
    emit("run_finished", finished)
    if failed and raise_on_failure:
        raise_for_failure(finished, failed)
    return finished


def is_synchronous(
    config: PipelineConfig, stack: Any = None, settings: dict[str, Any] | None = None
) -> bool:
    """Whether the caller waits for the run: the run's orchestrator setting `synchronous`,
    else the stack orchestrator's own `synchronous` configuration."""
    stack = stack or run_stack()
    if settings is None:
        settings = orchestrator_settings(config, stack)
    default = getattr(stack.component("orchestrator").config, "synchronous", True)
    value = settings.get("synchronous", default)
    if not isinstance(value, bool):
        from stepwell.exceptions import ConfigurationError

        raise ConfigurationError(
            f"settings.orchestrator.synchronous must be true or false, not {value!r}."
        )
    return value


def orchestrator_settings(config: PipelineConfig, stack: Any = None) -> dict[str, Any]:
    """The run's orchestrator settings: `orchestrator`, then `orchestrator.<stack name>` and
    `orchestrator.<flavor>` keys. Keys for other stacks or flavors are ignored with a warning
    (users switch stacks without editing every configuration)."""
    settings = dict(config.settings.get("orchestrator") or {})
    mine = set()
    if stack is not None:
        mine = {
            f"orchestrator.{stack.name}",
            f"orchestrator.{stack.component('orchestrator').model.flavor}",
        }
    for key, value in config.settings.items():
        if not key.startswith("orchestrator.") or not isinstance(value, dict):
            continue
        if stack is None or key in mine:
            settings.update(value)
        else:
            logger.warning(
                "Ignoring settings '%s': the active stack '%s' does not use it.", key, stack.name
            )
    return settings


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
    names = ", ".join(outcome.invocation_id for outcome in failed)
    raise PipelineRunFailedError(
        f"Pipeline run has failed due to failure in step(s): {names}", run_name=run.name
    ) from first


def _check_run_name_free(store: Store, run_name: str) -> None:
    """Fail before anything is stored if a run already has this exact name. (`get_run` also
    matches ids and id prefixes, and looks names up first: any other match means free.)"""
    try:
        found = store.get_run(run_name)
    except (EntityNotFoundError, StoreError):  # StoreError: an ambiguous id prefix
        return
    if found.name != run_name:
        return
    raise DuplicateRunNameError(
        f"Run name '{run_name}' is already used by another run; pick another name or put "
        "{date}_{time} in run_name."
    )


def _log_summary(
    run: PipelineRunResponse, outcomes: dict[str, StepOutcome], seconds: float
) -> None:
    if outcomes and all(o.status is ExecutionStatus.CACHED for o in outcomes.values()):
        logger.info("All steps of the pipeline run were cached.")
    verb = "has finished" if run.status is ExecutionStatus.COMPLETED else f"has {run.status.value}"
    logger.info("Pipeline run %s %s in %.3fs.", run.name, verb, seconds)


@contextlib.contextmanager
def _pinned_stack(ctx: RunContext) -> Any:
    stack = getattr(ctx, "stack", None)
    if stack is None:
        yield
        return
    from stepwell.stack.active import using_stack

    with using_stack(stack):
        yield


def _now() -> datetime:
    return datetime.now(timezone.utc)


def run_single_step(step: BaseStep[Any, Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Run one step outside a pipeline as an unlisted one-step run; return its output values."""
    from stepwell.orchestrators.single_step import compile_single_step

    store, artifact_store = active_store(), active_artifact_store()
    spec, config = compile_single_step(step, args, kwargs, store, artifact_store)
    run = submit(spec, config, is_unlisted=True)
    if not step.outputs:
        return None
    step_run = run.steps[spec.invocations[0].id]
    values = [step_run.outputs[name][0].load() for name in step.outputs]
    return values[0] if len(values) == 1 else tuple(values)
