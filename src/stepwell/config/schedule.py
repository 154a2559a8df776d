"""`Schedule`: when a pipeline should run by itself (config), ZenML's `zenml.config.schedule`.

Give it to `pipeline.with_options(schedule=...)` or under a run configuration's `schedule:`
key. Calling the pipeline then stores a snapshot and a schedule bound to it on the stepwell
server (nothing runs now); the server triggers the snapshot at each due time.

A schedule is one of (checked here, as ZenML checks it):

- `cron_expression`: a cron expression (five fields, or six with seconds as the last), in UTC;
- `start_time` + `interval_second`: every interval from the start time;
- `run_once_start_time`: one run at that time.

When several are given, the cron expression wins over the interval, and the interval over
the single run (ZenML warns and does the same). `start_time` and `end_time` bound every
kind; naive datetimes are taken in the local time zone, with a warning. `catchup=True`
backfills each due time a paused or stopped server missed; `catchup=False` (the default)
runs once for all of them and goes on from now.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator, model_validator

from stepwell.logger import get_logger

logger = get_logger(__name__)


class Schedule(BaseModel):
    """When a pipeline runs by itself: cron, start time plus interval, or once."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    name: str | None = None
    cron_expression: str | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    interval_second: timedelta | None = None  # a timedelta, or a number of seconds
    catchup: bool = False
    run_once_start_time: datetime | None = None

    @field_validator("start_time", "end_time", "run_once_start_time", mode="after")
    @classmethod
    def _aware(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        if value is not None and value.tzinfo is None:
            logger.warning(
                "Schedule field `%s` has no time zone; it is taken in this machine's local "
                "time zone.",
                info.field_name,
            )
            value = value.astimezone()
        return value

    @field_validator("interval_second", mode="after")
    @classmethod
    def _positive(cls, value: timedelta | None) -> timedelta | None:
        if value is not None and value.total_seconds() <= 0:
            raise ValueError(f"interval_second must be positive, not {value.total_seconds()} s.")
        return value

    @field_validator("cron_expression", mode="after")
    @classmethod
    def _valid_cron(cls, value: str | None) -> str | None:
        if value is not None:
            check_cron_expression(value)
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> Schedule:
        periodic = self.start_time is not None and self.interval_second is not None
        if self.cron_expression and periodic:
            logger.warning(
                "Schedule '%s' has a cron expression and start_time + interval_second; the "
                "cron expression is used.",
                self.name or "",
            )
        elif self.cron_expression and self.run_once_start_time:
            logger.warning(
                "Schedule '%s' has a cron expression and run_once_start_time; the cron "
                "expression is used.",
                self.name or "",
            )
        elif not (self.cron_expression or periodic or self.run_once_start_time):
            hint = (
                " (interval_second needs a start_time too)"
                if self.interval_second is not None
                else ""
            )
            raise ValueError(
                "A schedule needs a cron_expression, a start_time with interval_second, or a "
                f"run_once_start_time{hint}."
            )
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValueError(
                f"end_time {self.end_time.isoformat()} is not after start_time "
                f"{self.start_time.isoformat()}."
            )
        return self

    @property
    def utc_start_time(self) -> str | None:
        """The start time in UTC, ISO-formatted (as ZenML offers it)."""
        return _utc_text(self.start_time)

    @property
    def utc_end_time(self) -> str | None:
        """The end time in UTC, ISO-formatted."""
        return _utc_text(self.end_time)


def check_cron_expression(expression: str) -> None:
    """Raise ValueError unless `expression` is a cron expression `croniter` accepts."""
    try:
        from croniter import croniter
    except ModuleNotFoundError:  # pragma: no cover - croniter comes with the server extra
        raise ValueError(
            "Checking a cron expression needs croniter: pip install 'stepwell[server]'."
        ) from None
    if not isinstance(expression, str) or not croniter.is_valid(expression):
        raise ValueError(
            f"{expression!r} is not a valid cron expression; use five fields "
            "('minute hour day-of-month month day-of-week', e.g. '*/15 * * * *'), or six "
            "with seconds last."
        )


def _utc_text(value: datetime | None) -> str | None:
    from datetime import timezone

    return None if value is None else value.astimezone(timezone.utc).isoformat()
