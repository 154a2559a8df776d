"""When a schedule runs next (config): pure functions of its timing and a clock reading.

The store calls them when it records a schedule (its first due time) and when a server
claims a due time (the one after it); nothing here reads a clock or a database, so every
rule is tested on its own:

- the kind: a cron expression wins over start time + interval, which wins over one run;
- cron expressions are read in UTC; a due time never comes before `start_time` nor after
  `end_time` (past the end, there is no next run: None);
- after firing, `catchup=True` moves to the due time right after the one fired, so every
  missed due time runs in turn; `catchup=False` skips the missed ones and moves to the
  first due time after now (ZenML's and Airflow's meaning of catchup);
- a single run (`run_once_start_time`) has no next run once fired.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

_TICK = timedelta(microseconds=1)


@dataclass(frozen=True)
class Timing:
    """What decides a schedule's due times (a `Schedule` or a stored schedule's fields)."""

    cron_expression: str | None = None
    interval: timedelta | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    run_once_start_time: datetime | None = None
    catchup: bool = False

    @classmethod
    def of(cls, schedule: Any) -> Timing:
        """The timing of any object with a schedule's fields (`interval_second` may be a
        timedelta or a number of seconds)."""
        interval = getattr(schedule, "interval_second", None)
        if interval is not None and not isinstance(interval, timedelta):
            interval = timedelta(seconds=float(interval))
        return cls(
            cron_expression=getattr(schedule, "cron_expression", None) or None,
            interval=interval,
            start_time=_utc(getattr(schedule, "start_time", None)),
            end_time=_utc(getattr(schedule, "end_time", None)),
            run_once_start_time=_utc(getattr(schedule, "run_once_start_time", None)),
            catchup=bool(getattr(schedule, "catchup", False)),
        )

    @property
    def kind(self) -> str:
        """'cron', 'interval' or 'once' (the precedence ZenML gives them)."""
        if self.cron_expression:
            return "cron"
        if self.interval is not None and self.start_time is not None:
            return "interval"
        if self.run_once_start_time is not None:
            return "once"
        raise ValueError(
            "A schedule needs a cron_expression, a start_time with interval_second, or a "
            "run_once_start_time."
        )


def first_run_time(timing: Timing, now: datetime) -> datetime | None:
    """The first due time of a schedule recorded at `now` (None: it never runs).

    A start time in the past is kept: with catchup every due time since runs, without it the
    first claim runs once and moves on from then."""
    now = _utc(now)
    if timing.kind == "once":
        return _within_end(timing, timing.run_once_start_time)
    if timing.start_time is not None:
        return _within_end(timing, _due_at_or_after(timing, timing.start_time))
    return next_run_time(timing, now)


def next_run_time(timing: Timing, after: datetime) -> datetime | None:
    """The first due time strictly after `after`, not before the start nor after the end."""
    after = _utc(after)
    if timing.kind == "once":
        once = timing.run_once_start_time
        return _within_end(timing, once if once is not None and once > after else None)
    if timing.start_time is not None and after < timing.start_time:
        return _within_end(timing, _due_at_or_after(timing, timing.start_time))
    return _within_end(timing, _due_after(timing, after))


def after_firing(timing: Timing, due: datetime, now: datetime) -> datetime | None:
    """The next due time once the run due at `due` was started at `now` (see the module)."""
    if timing.kind == "once":
        return None
    due, now = _utc(due), _utc(now)
    return next_run_time(timing, due if timing.catchup else max(due, now))


def _due_at_or_after(timing: Timing, moment: datetime) -> datetime:
    return _due_after(timing, moment - _TICK)


def _due_after(timing: Timing, after: datetime) -> datetime:
    """The kind's first due time strictly after `after` (interval: counted from start)."""
    if timing.kind == "cron":
        from croniter import croniter

        assert timing.cron_expression is not None
        found: datetime = croniter(timing.cron_expression, after).get_next(datetime)
        return _utc(found)
    assert timing.interval is not None and timing.start_time is not None
    if after < timing.start_time:
        return timing.start_time
    steps = (after - timing.start_time) // timing.interval + 1
    return timing.start_time + steps * timing.interval


def _within_end(timing: Timing, moment: datetime | None) -> datetime | None:
    if moment is None or (timing.end_time is not None and moment > timing.end_time):
        return None
    return moment


def _utc(value: Any) -> Any:
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)
