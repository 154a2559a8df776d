"""Is a run still alive? Runs whose orchestrator is gone are marked failed when read.

A running run's orchestrator records a heartbeat every STEPWELL_HEARTBEAT_INTERVAL seconds
(5 by default). A reader that finds an unfinished run whose last sign of life is older than
three intervals marks it (and its unfinished step runs) `failed`, so a run whose process
was killed outright is never left `running` forever. On the orchestrator's own host the
reader need not wait for that: a run whose recorded process (pid and start time) no longer
exists is failed at once.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from uuid import UUID

from stepwell.config.environment import heartbeat_interval
from stepwell.exceptions import StepwellError
from stepwell.store.base import Store
from stepwell.store.models import PipelineRunResponse
from stepwell.utils.processes import recorded_process_is_gone

MISSED_HEARTBEATS = 3


def is_dead(run: PipelineRunResponse, now: datetime | None = None) -> bool:
    """Whether an unfinished run has missed too many heartbeats (pure)."""
    if run.status.is_finished:
        return False
    last = run.heartbeat or run.start_time or run.created
    now = now or datetime.now(timezone.utc)
    return (now - last).total_seconds() > MISSED_HEARTBEATS * heartbeat_interval()


def orchestrator_gone(run: PipelineRunResponse) -> bool:
    """Whether an unfinished run's orchestrating process has certainly ended (this host)."""
    return not run.status.is_finished and recorded_process_is_gone(
        run.orchestrator_pid, run.orchestrator_host, run.orchestrator_start_token
    )


def checked(store: Store, run: PipelineRunResponse) -> PipelineRunResponse:
    """`run`, marked failed first (with its unfinished step runs) if its orchestrator is gone."""
    now = datetime.now(timezone.utc)
    if orchestrator_gone(run):
        message = (
            f"The run's orchestrating process ({run.orchestrator_pid} on this host) has ended "
            "without recording the run's end (it was killed); marked failed when read."
        )
        # Whatever sign of life came before now: the process is gone, so nothing newer can.
        return store.fail_dead_run(run.id, now, message)
    if not is_dead(run, now):
        return run
    message = (
        "The run's orchestrating process stopped sending heartbeats (it was killed or its "
        "machine went down); marked failed when read."
    )
    silent_since = now - timedelta(seconds=MISSED_HEARTBEATS * heartbeat_interval())
    return store.fail_dead_run(run.id, silent_since, message)


def wait_for_run(
    store: Store, run_id: UUID, timeout: float | None = None, poll_interval: float = 0.2
) -> PipelineRunResponse:
    """Block until a run has finished (or is found dead); return its final record."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        run = checked(store, store.get_run(run_id))
        if run.status.is_finished:
            return run
        if deadline is not None and time.monotonic() >= deadline:
            raise StepwellError(
                f"Run '{run.name}' is still {run.status.value} after {timeout} s of waiting."
            )
        time.sleep(poll_interval)
