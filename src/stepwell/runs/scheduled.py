"""Calling a pipeline that has a schedule: store a snapshot and a schedule of it (runs layer).

`pipeline.with_options(schedule=Schedule(...))()` and a run configuration's `schedule:`
key do not run the pipeline now. They store a snapshot of it (spec, configuration, code
archive) and a schedule bound to that snapshot on the stepwell server, whose scheduler
triggers the snapshot at each due time (see `stepwell.server.scheduler`). Only a server
runs schedules, so without one this fails before anything is stored. Arguments given to
the call become the snapshot's parameters: every scheduled run gets the same ones.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from stepwell.config.run_name import format_run_name
from stepwell.config.server_connection import server_connection
from stepwell.exceptions import EntityExistsError, EntityNotFoundError, EnvironmentConfigError
from stepwell.logger import get_logger

if TYPE_CHECKING:
    from stepwell.pipelines.pipeline import Pipeline
    from stepwell.store.schedule_records import ScheduleResponse

logger = get_logger(__name__)

NO_SERVER = (
    "Pipeline '{name}' has a schedule, and only a stepwell server runs schedules; none is "
    "configured, so nothing was stored. Start one with `stepwell server start` (or `python "
    "-m stepwell.server`), then log in with `stepwell login http://127.0.0.1:8237` (or set "
    "STEPWELL_SERVER_URL and STEPWELL_API_KEY), and call the pipeline again. To run it once "
    "now instead, call it without the schedule."
)


def is_scheduled(pipeline: Pipeline[Any, Any]) -> bool:
    """Whether calling `pipeline` schedules it (code or run configuration gives a schedule)."""
    if pipeline.config.schedule is not None:
        return True
    run_config = pipeline.run_configuration
    return run_config is not None and run_config.schedule is not None


def schedule_pipeline(
    pipeline: Pipeline[Any, Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    """Store a snapshot of `pipeline` and a schedule of it on the server; run nothing now.

    Returns None, as ZenML's pipeline call does when it schedules."""
    from stepwell.snapshots.create import create_snapshot
    from stepwell.store.active import get_store

    if server_connection() is None:
        raise EnvironmentConfigError(NO_SERVER.format(name=pipeline.name))
    call = pipeline.resolve(*args, **kwargs)  # checks the arguments before anything is stored
    schedule = call.config.schedule
    assert schedule is not None
    now = datetime.now(timezone.utc)
    name = schedule.name or format_run_name(
        call.config.run_name or None, call.config.name, now, call.config.substitutions
    )
    store = get_store()
    _check_name_free(store, name)
    to_store = pipeline
    if args or kwargs:  # the call's arguments are every scheduled run's parameters
        to_store = pipeline.with_options(run_configuration={"parameters": call.config.parameters})
    snapshot = create_snapshot(
        to_store, name=f"schedule-{name}", description=f"Run by schedule '{name}'.", replace=True
    )
    interval = schedule.interval_second
    try:
        created = store.create_schedule(
            name=name,
            snapshot_id=snapshot.id,
            cron_expression=schedule.cron_expression,
            interval_second=None if interval is None else interval.total_seconds(),
            start_time=schedule.start_time,
            end_time=schedule.end_time,
            run_once_start_time=schedule.run_once_start_time,
            catchup=schedule.catchup,
        )
    except BaseException:
        store.delete_snapshot(snapshot.id)  # no snapshot left behind without its schedule
        raise
    _log_created(created, pipeline.name)
    return None


def _check_name_free(store: Any, name: str) -> None:
    try:
        taken = store.get_schedule(name)
    except EntityNotFoundError:
        return
    if taken.name == name:
        raise EntityExistsError(
            f"A schedule named '{name}' already exists; give the Schedule another name, or "
            f"delete the old one first (`stepwell schedule delete {name}`)."
        )


def _log_created(schedule: ScheduleResponse, pipeline_name: str) -> None:
    upcoming = schedule.next_run_time
    logger.info(
        "Created schedule `%s` for pipeline `%s`; the server runs it %s.",
        schedule.name,
        pipeline_name,
        f"next at {upcoming.isoformat()}" if upcoming is not None else "no more (it has ended)",
    )
