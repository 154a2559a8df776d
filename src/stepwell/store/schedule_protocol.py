"""The schedules part of the `Store` interface (layer: store).

A schedule is bound to a snapshot and says when the server triggers it (see
`stepwell.config.schedule` for the kinds, `stepwell.config.schedule_times` for the due
times). The store computes `next_run_time` itself; the server claims due times with
`SqlStore.claim_due_schedule`, which is not part of the REST API (a caller that could claim
could also make a due run never happen).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from stepwell.store.page import Page
from stepwell.store.schedule_records import ScheduleResponse


class ScheduleStore(Protocol):
    """Schedule operations (reads for viewers, changes for members)."""

    def create_schedule(
        self,
        *,
        name: str,
        snapshot_id: UUID,
        cron_expression: str | None = None,
        interval_second: float | None = None,
        start_time: datetime | None = None,
        end_time: datetime | None = None,
        run_once_start_time: datetime | None = None,
        catchup: bool = False,
        run_configuration: dict[str, Any] | None = None,
    ) -> ScheduleResponse: ...
    def get_schedule(self, name_or_id: str | UUID) -> ScheduleResponse: ...
    def list_schedules(self, **query: Any) -> Page[ScheduleResponse]: ...
    def update_schedule(
        self,
        schedule_id: UUID,
        *,
        active: bool | None = None,
        cron_expression: str | None = None,
    ) -> ScheduleResponse: ...
    def delete_schedule(self, schedule_id: UUID) -> None: ...
