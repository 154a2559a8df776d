"""The server's scheduler: runs due schedules by triggering their snapshots (server).

A daemon thread started with the server ticks every `STEPWELL_SERVER_SCHEDULE_TICK` seconds
(default 5; 0 turns the scheduler off, e.g. on a second server of the same database that
should only serve the API). Each tick claims due times from the store one at a time
(`SqlStore.claim_due_schedule`, a conditional update: a due time is won by exactly one
claimer, so neither a second server nor a restarted one fires it again) and triggers the
schedule's snapshot the way `Client().trigger_pipeline` does: a runner process on this host
records the run, with the schedule's id, and runs it in the background.

A failed trigger (the snapshot's code cannot be loaded, say) is logged and the schedule goes
on; its due time is not retried, because retrying is how a due time would run twice.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from stepwell.exceptions import EnvironmentConfigError
from stepwell.logger import get_logger

logger = get_logger(__name__)

ENV_TICK = "STEPWELL_SERVER_SCHEDULE_TICK"
DEFAULT_TICK = 5.0
# Claims per tick at most: a schedule catching up on many due times cannot starve the rest
# for long, nor hold the thread past a stop request.
MAX_FIRES_PER_TICK = 20


def tick_seconds() -> float:
    """The scheduler's tick from `STEPWELL_SERVER_SCHEDULE_TICK` (0: no scheduler)."""
    raw = os.environ.get(ENV_TICK, "").strip()
    if not raw:
        return DEFAULT_TICK
    try:
        value = float(raw)
    except ValueError:
        raise EnvironmentConfigError(
            f"{ENV_TICK} must be a number of seconds, not {raw!r}."
        ) from None
    if value < 0 or value > 3600:
        raise EnvironmentConfigError(f"{ENV_TICK} must be between 0 and 3600, not {value}.")
    return value


class Scheduler:
    """Fires the due schedules of `store` from a background thread until stopped."""

    def __init__(self, store: Any, tick: float) -> None:
        self.store = store
        self.tick = tick
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start ticking (the first tick comes at once)."""
        self._thread = threading.Thread(target=self._loop, name="stepwell-scheduler", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the trigger in progress, if any (runs already started go on)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.fire_due()
            except Exception:  # the database away for a moment: try again next tick
                logger.exception("The scheduler's tick failed; trying again in %s s.", self.tick)
            self._stop.wait(self.tick)

    def fire_due(self) -> int:
        """Claim and trigger due schedules (up to `MAX_FIRES_PER_TICK`); how many fired."""
        fired = 0
        while fired < MAX_FIRES_PER_TICK and not self._stop.is_set():
            claimed = self.store.claim_due_schedule()
            if claimed is None:
                break
            fired += 1
            self._trigger(claimed)
        return fired

    def _trigger(self, schedule: Any) -> None:
        from stepwell.runs.trigger import trigger

        try:
            if schedule.snapshot_id is None:
                raise LookupError("its snapshot was deleted")
            snapshot = self.store.get_snapshot(schedule.snapshot_id)
            run = trigger(self.store, snapshot, schedule.run_configuration, schedule_id=schedule.id)
        except Exception as error:
            logger.error(
                "Schedule '%s' was due at %s, but its run could not start: %s",
                schedule.name,
                schedule.last_run_time,
                error,
            )
            return
        logger.info(
            "Schedule '%s' (due at %s) started run %s.",
            schedule.name,
            schedule.last_run_time,
            getattr(run, "name", None),
        )


def start_scheduler(store: Any, store_url: str) -> Scheduler | None:
    """Start the scheduler of a server on `store` (None when the tick is 0).

    Triggered runners and stack lookups in this process find the store through
    STEPWELL_STORE_URL, so it is set to the server's own database here."""
    tick = tick_seconds()
    if tick == 0:
        logger.info("The scheduler is off (%s=0): this server runs no schedules.", ENV_TICK)
        return None
    os.environ["STEPWELL_STORE_URL"] = store_url
    scheduler = Scheduler(store, tick)
    scheduler.start()
    return scheduler
