"""The Client's schedules (read layer): ZenML's `list_schedules`, `get_schedule`,
`update_schedule` and `delete_schedule`.

Schedules are made by calling a pipeline that has one (`with_options(schedule=...)` or the
`schedule:` key) and run by the stepwell server. Pausing is `update_schedule(name,
active=False)` (resuming: `active=True`; with `catchup=False` a resumed schedule runs once
for the due times it missed, then keeps its rhythm); a new cron expression takes effect from
now. Deleting a schedule keeps its snapshot and the runs it started.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from stepwell.client.base import ClientBase
from stepwell.logger import get_logger
from stepwell.store.page import Page
from stepwell.store.schedule_records import ScheduleResponse

logger = get_logger(__name__)


class SchedulesMixin(ClientBase):
    """Schedules of snapshots, as in ZenML's Client."""

    def get_schedule(
        self,
        name_id_or_prefix: str | UUID,
        allow_name_prefix_match: bool = True,
        project: Any = None,
        hydrate: bool = True,
        is_archived: bool | None = False,
    ) -> ScheduleResponse:
        """A schedule by name, id or unique id prefix."""
        return self.store.get_schedule(name_id_or_prefix)

    def list_schedules(
        self,
        sort_by: str = "created",
        page: int = 1,
        size: int = 50,
        logical_operator: str = "and",
        hydrate: bool = False,
        project: Any = None,
        is_archived: bool | None = False,
        **filters: Any,
    ) -> Page[ScheduleResponse]:
        """A page of schedules; filter by `name`, `active`, `pipeline_id`, `snapshot_id`,
        `cron_expression`, `catchup`, `start_time`, `end_time`, `next_run_time`, ..."""
        given = {key: value for key, value in filters.items() if value is not None}
        return self.store.list_schedules(
            sort_by=sort_by, page=page, size=size, logical_operator=logical_operator, **given
        )

    def update_schedule(
        self,
        name_id_or_prefix: str | UUID,
        cron_expression: str | None = None,
        active: bool | None = None,
    ) -> ScheduleResponse:
        """Pause (`active=False`) or resume (`active=True`) a schedule, or change its cron
        expression; an `active` value it already has changes nothing (ZenML warns too)."""
        schedule = self.get_schedule(name_id_or_prefix)
        if cron_expression is None and (active is None or schedule.active == active):
            if active is not None:
                logger.warning(
                    "Schedule '%s' is already %s; nothing changed.",
                    schedule.name,
                    "active" if active else "paused",
                )
            return schedule
        return self.store.update_schedule(
            schedule.id, active=active, cron_expression=cron_expression
        )

    def delete_schedule(
        self, name_id_or_prefix: str | UUID, project: Any = None, soft: bool = True
    ) -> None:
        """Delete a schedule: no more runs; its snapshot and the runs it started stay."""
        schedule = self.get_schedule(name_id_or_prefix)
        self.store.delete_schedule(schedule.id)
