"""Is a run still alive? Runs whose orchestrator is gone are marked failed when read.

A running run's orchestrator records a heartbeat every few seconds: its own
STEPWELL_HEARTBEAT_INTERVAL (5 by default), which it records with the run. A reader that
finds an unfinished run whose last sign of life is older than three of *the run's* intervals
marks it (and its unfinished step runs) `failed`, so a run whose process was killed outright
is never left `running` forever. The reader's own setting plays no part: a reader with a
short interval must not fail someone else's healthy run. Runs recorded without an interval
are judged by the default.

Both ends take the time from the database, never from their own clock: the heartbeat is
stamped with the database's time, and the check compares it with the database's time, so
a machine whose clock is off can neither fail a live run nor keep a dead one alive. (On
SQLite the "database's clock" is the clock of the host that opens the file.)

On the orchestrator's own host the reader need not wait: a run whose recorded process (pid
and start time) no longer exists is failed at once.
"""

from __future__ import annotations

import time
from datetime import datetime
from uuid import UUID

from stepwell.config.environment import DEFAULT_HEARTBEAT_INTERVAL
from stepwell.exceptions import StepwellError
from stepwell.store.base import Store
from stepwell.store.models import PipelineRunResponse
from stepwell.store.pending import released
from stepwell.utils.processes import recorded_process_is_gone

MISSED_HEARTBEATS = 3

SILENT_MESSAGE = (
    "The run's orchestrating process stopped sending heartbeats (it was killed or its "
    "machine went down); marked failed when read."
)


def allowed_silence(interval: float | None) -> float:
    """Seconds a run may go without a sign of life: three of its own heartbeat intervals
    (the default interval for runs recorded without one)."""
    return MISSED_HEARTBEATS * (interval or DEFAULT_HEARTBEAT_INTERVAL)


def missed_heartbeats(last_sign: datetime, interval: float | None, now: datetime) -> bool:
    """Whether a run last seen alive at `last_sign` is silent for too long at `now` (pure;
    both times from the database's clock)."""
    return (now - last_sign).total_seconds() > allowed_silence(interval)


def last_sign_of_life(run: PipelineRunResponse) -> datetime:
    """When the run's orchestrator last showed it was alive: its heartbeat, else its start."""
    return run.heartbeat or run.start_time or run.created


def is_dead(run: PipelineRunResponse, now: datetime) -> bool:
    """Whether an unfinished run has missed too many heartbeats at `now`, the database's time
    (pure)."""
    if run.status.is_finished:
        return False
    return missed_heartbeats(last_sign_of_life(run), run.heartbeat_interval, now)


def orchestrator_gone(run: PipelineRunResponse) -> bool:
    """Whether an unfinished run's orchestrating process has certainly ended (this host)."""
    return not run.status.is_finished and recorded_process_is_gone(
        run.orchestrator_pid, run.orchestrator_host, run.orchestrator_start_token
    )


def checked(store: Store, run: PipelineRunResponse) -> PipelineRunResponse:
    """`run`, marked failed first (with its unfinished step runs) if its orchestrator is gone."""
    if run.status.is_finished:
        return run
    if orchestrator_gone(run):
        message = (
            f"The run's orchestrating process ({run.orchestrator_pid} on this host) has ended "
            "without recording the run's end (it was killed, or could not reach the store to "
            "record it); marked failed when read."
        )
        return released(store, store.fail_dead_run(run.id, message, process_gone=True))
    if not is_dead(run, store.database_time()):
        return run
    # The store judges again under its write lock, on the database's clock.
    return released(store, store.fail_dead_run(run.id, SILENT_MESSAGE))


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
