"""A stored schedule as a record (layer: store): `ScheduleResponse`, ZenML's field names.

A schedule runs one snapshot: `snapshot_id` says which (`pipeline_id` is its pipeline's).
`next_run_time` is the due time a server will claim next (None: it has no more runs) and
`last_run_time` the due time it claimed last; `active` is False while it is paused.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, ClassVar
from uuid import UUID

from stepwell.store.models import _Record


class ScheduleResponse(_Record):
    """A schedule of a snapshot: cron, start time plus interval, or a single run."""

    display_fields: ClassVar[tuple[str, ...]] = ("name", "active", "id")

    id: UUID
    name: str
    active: bool = True
    cron_expression: str | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    interval_second: timedelta | None = None
    catchup: bool = False
    run_once_start_time: datetime | None = None
    snapshot_id: UUID | None = None
    pipeline_id: UUID | None = None
    next_run_time: datetime | None = None
    last_run_time: datetime | None = None
    run_configuration: dict[str, Any] | None = None
    created: datetime
    updated: datetime

    @property
    def utc_start_time(self) -> str | None:
        """The start time in UTC, ISO-formatted (as ZenML offers it)."""
        return (
            None
            if self.start_time is None
            else self.start_time.astimezone(timezone.utc).isoformat()
        )

    @property
    def utc_end_time(self) -> str | None:
        """The end time in UTC, ISO-formatted."""
        return None if self.end_time is None else self.end_time.astimezone(timezone.utc).isoformat()

    @property
    def runs(self) -> list[Any]:
        """The runs this schedule started, newest first."""
        store = self._require_store()
        return store.list_runs(schedule_id=self.id, sort_by="desc:created", size=10_000).items
