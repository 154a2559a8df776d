"""Submit a run: store the snapshot and the run, then execute it here or in the background.

Behind calling a pipeline, a single step, a dynamic pipeline and a triggered snapshot: the
only place where a run record is created.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from stepwell.compiler.spec import PipelineSpec
from stepwell.config.environment import heartbeat_interval
from stepwell.config.pipeline_config import PipelineConfig
from stepwell.config.run_name import DEFAULT_TEMPLATE, format_run_name
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import DuplicateRunNameError, EntityNotFoundError, StoreError
from stepwell.execution.run_context import RunContext
from stepwell.logger import apply_verbosity, get_logger
from stepwell.runs import model_versions
from stepwell.runs.docker_notice import docker_settings_notice
from stepwell.runs.execute import Driver, execute_run
from stepwell.runs.preflight import check_before_run, check_settings_before_run
from stepwell.runs.resolve import (
    is_synchronous,
    make_orchestrator,
    orchestrator_settings,
    run_stack,
    stack_artifact_store,
)
from stepwell.runs.run_tags import check_run_tags, tag_run
from stepwell.runs.scheduled import is_scheduled, schedule_pipeline
from stepwell.stack.secret_references import check_stack_secrets
from stepwell.store.active import get_store
from stepwell.store.base import Store
from stepwell.store.models import PipelineRunResponse
from stepwell.utils.processes import this_process

if TYPE_CHECKING:
    from stepwell.pipelines.pipeline import Pipeline

logger = get_logger(__name__)


def run_pipeline(
    pipeline: Pipeline[Any, Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> PipelineRunResponse:
    """Compile `pipeline` with these arguments, run it, and return its run record.

    With a schedule (`with_options(schedule=...)` or the `schedule:` key), nothing runs:
    the server gets a snapshot and a schedule of it, and this returns None (as in ZenML)."""
    if is_scheduled(pipeline):
        schedule_pipeline(pipeline, args, kwargs)
        return None  # type: ignore[return-value]
    if pipeline.config.dynamic:
        from stepwell.runs.dynamic import run_dynamic

        return run_dynamic(pipeline, args, kwargs)  # type: ignore[no-any-return]
    spec, config = pipeline.compile(*args, **kwargs)
    return submit(
        spec,
        config,
        run_config=pipeline.run_configuration,
        run_config_source=pipeline.run_configuration_source,
    )


def submit(
    spec: PipelineSpec,
    config: PipelineConfig,
    *,
    is_unlisted: bool = False,
    raise_on_failure: bool = True,
    snapshot_id: Any = None,
    background: bool | None = None,
    driver: Driver | None = None,
    run_config: Any = None,
    run_config_source: str = "run configuration",
    schedule_id: Any = None,
) -> PipelineRunResponse:
    """Store a compiled pipeline as a snapshot and a run, then orchestrate the run.

    `driver` replaces the orchestrator's own loop (dynamic pipelines drive it themselves);
    `schedule_id` names the schedule a triggered run is due for.
    With the orchestrator setting `synchronous: False` (or `background=True`) the run goes
    on in a detached background process and this returns at once with the run (status
    `initializing`).
    """
    apply_verbosity()  # STEPWELL_LOGGING_VERBOSITY as it is now, not as it was at import
    store = get_store()
    stack = run_stack()
    check_stack_secrets(stack)  # `{{secret.key}}` references resolve, or nothing starts
    # Settings first: the orchestrator is built from them. `run_config` (the YAML file or
    # trigger layer) is checked on its own, so that its errors name its file.
    check_settings_before_run(spec.invocations, config, stack, run_config, run_config_source)
    settings = orchestrator_settings(config, stack)
    orchestrator = make_orchestrator(stack, settings)
    check_before_run(spec.invocations, stack, orchestrator)  # components, resources
    synchronous = is_synchronous(stack, settings) if background is None else not background
    # Taken once the store is open: a process's first run would otherwise count the time it
    # takes to import and open the store as part of the run.
    started = datetime.now(timezone.utc)
    run_name = format_run_name(config.run_name or None, config.name, started, config.substitutions)
    if not _unique_by_time(config.run_name or None):
        _check_run_name_free(store, run_name)
    check_run_tags(store, config.tags)
    model_requests = model_versions.requests_for(
        model_versions.run_models(config, spec.invocations), started, config.substitutions
    )
    model_versions.check_references(store, model_requests)  # a missing stage: nothing stored
    pipeline_id = None if is_unlisted else store.get_or_create_pipeline(config.name).id
    if pipeline_id is not None and snapshot_id is None:
        snapshot_id = store.create_snapshot(
            pipeline_id=pipeline_id,
            spec=spec.model_dump(mode="json"),
            config=config.model_dump(mode="json"),
        ).id
    process = this_process() if synchronous else None  # a background run records its own
    run = _create_run(
        store,
        run_name,
        config,
        started,
        pipeline_id=pipeline_id,
        pipeline_name=config.name,
        snapshot_id=snapshot_id,
        status=ExecutionStatus.RUNNING if synchronous else ExecutionStatus.INITIALIZING,
        is_unlisted=is_unlisted,
        orchestrator_pid=process.pid if process else None,
        stack_id=stack.id,
        orchestrator_host=process.host if process else None,
        orchestrator_start_token=process.start_token if process else None,
        # Readers judge this run by the interval it beats at, never by their own setting.
        heartbeat_interval=heartbeat_interval(),
        schedule_id=schedule_id,
    )
    tag_run(store, run.id, config.tags)
    versions = _prepare_model_versions(store, run, model_requests, config, started)
    logger.info("Initiating a new run for the pipeline: %s.", config.name)
    notice = docker_settings_notice(
        config.settings, spec.invocations, stack.component("orchestrator").model.flavor
    )
    if notice:
        logger.info(notice)
    ctx = RunContext(store=store, artifact_store=stack_artifact_store(stack), run=run, spec=spec)
    ctx.model_versions = versions
    ctx.stack = stack
    if not synchronous:
        from stepwell.runs.background import start_in_background

        start_in_background(ctx, orchestrator, driver)
        logger.info("Run %s goes on in the background.", run.name)
        return store.get_run(run.id)
    return execute_run(ctx, orchestrator, raise_on_failure=raise_on_failure, driver=driver)


def _prepare_model_versions(
    store: Store,
    run: PipelineRunResponse,
    requests: list[Any],
    config: PipelineConfig,
    started: datetime,
) -> dict[str, Any]:
    """The run's model versions, found or made and linked to it; if that fails (a version
    was deleted or a stage moved since the check), the run ends failed with the reason."""
    try:
        versions = model_versions.prepare(
            store, run, requests, config.model, started, config.substitutions
        )
    except Exception as error:
        store.end_run(
            run.id,
            status=ExecutionStatus.FAILED,
            end_time=datetime.now(timezone.utc),
            status_message=f"Model versions could not be prepared: {error}",
        )
        raise
    if config.model is not None:
        own = versions.get(model_versions.key_of(config.model, started, config.substitutions))
        run.model_version_id = own.id if own is not None else None
    for version in versions.values():
        logger.info(
            "This run's artifacts go to model %s, version %s.", version.model_name, version.name
        )
    return versions


# How many later microseconds a name made from the start time tries when processes started
# in the same microsecond made the same one.
_NAME_ATTEMPTS = 50


def _create_run(
    store: Store, run_name: str, config: PipelineConfig, started: datetime, **fields: Any
) -> PipelineRunResponse:
    """`store.create_run`; a name made from the start time (the default) that another run
    took in the same microsecond is made again from the next microsecond: two processes
    started together never fail on a name neither of them chose."""
    template = config.run_name or None
    for attempt in range(_NAME_ATTEMPTS):
        try:
            return store.create_run(name=run_name, config=config, start_time=started, **fields)
        except DuplicateRunNameError:
            if not _unique_by_time(template) or attempt == _NAME_ATTEMPTS - 1:
                raise
        later = started + timedelta(microseconds=attempt + 1)
        run_name = format_run_name(template, config.name, later, config.substitutions)
    raise DuplicateRunNameError(f"Run name '{run_name}' is already used by another run.")


def _unique_by_time(template: str | None) -> bool:
    """Whether names from this template carry the start time to the microsecond (the default
    does): such a name is taken only by a run of the same pipeline started in the same
    microsecond, which `create_run` still refuses, so the look-up before it is skipped."""
    return "{time}" in (template or DEFAULT_TEMPLATE)


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
