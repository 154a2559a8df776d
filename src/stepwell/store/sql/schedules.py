"""Schedules in the SQL metadata store (layer: store).

A schedule row names its snapshot and its timing; the store computes `next_run_time` with
the pure functions of `stepwell.config.schedule_times`. A server fires a schedule only
after `claim_due_schedule` won the conditional update that moves `next_run_time` on from
the due time it read: two servers, or a server restarted in the middle, can never both win
the same due time, so no due time runs twice. (A server that dies between the claim and the
trigger loses that one run: at most once, never twice.)
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import Any
from uuid import UUID, uuid4

from pydantic import ValidationError
from sqlalchemy import Connection, delete, select, update
from sqlalchemy.exc import IntegrityError

from stepwell.config.schedule import Schedule
from stepwell.config.schedule_times import Timing, after_firing, first_run_time, next_run_time
from stepwell.exceptions import ConfigurationError, EntityExistsError, EntityNotFoundError
from stepwell.store.page import Page
from stepwell.store.row_conversions import Row, as_uuid
from stepwell.store.schedule_records import ScheduleResponse
from stepwell.store.sql.common import SqlStoreBase, is_unique_violation
from stepwell.store.sql.listing import Listing, each, read_page
from stepwell.store.sql.platform_tables import SCHEDULES
from stepwell.store.sql.queries import id_prefix, parse_uuid
from stepwell.store.sql.tables import SNAPSHOTS, as_utc, utc_now

_FROM = SCHEDULES.outerjoin(SNAPSHOTS, SNAPSHOTS.c.id == SCHEDULES.c.snapshot_id)
_SELECTED: list[Any] = [SCHEDULES, SNAPSHOTS.c.pipeline_id]
_SELECT = select(SCHEDULES, SNAPSHOTS.c.pipeline_id).select_from(_FROM)
SCHEDULE_LISTING = Listing(
    source=_FROM,
    selected=_SELECTED,
    columns={
        **{
            name: SCHEDULES.c[name]
            for name in (
                "id",
                "name",
                "snapshot_id",
                "cron_expression",
                "start_time",
                "end_time",
                "run_once_start_time",
                "catchup",
                "active",
                "next_run_time",
                "last_run_time",
                "created",
                "updated",
            )
        },
        "pipeline_id": SNAPSHOTS.c.pipeline_id,
    },
    id_column=SCHEDULES.c.id,
    tiebreak=[SCHEDULES.c.created, SCHEDULES.c.name],
)
# Due times a server tries to claim in one call, oldest first (others may win some).
_CANDIDATES = 8


def _response(row: Row, store: Any) -> ScheduleResponse:
    interval = row["interval_second"]
    response = ScheduleResponse.model_construct(
        **{
            key: row[key]
            for key in (
                "id",
                "name",
                "active",
                "cron_expression",
                "start_time",
                "end_time",
                "catchup",
                "run_once_start_time",
                "snapshot_id",
                "next_run_time",
                "last_run_time",
                "run_configuration",
                "created",
                "updated",
            )
        },
        pipeline_id=row.get("pipeline_id"),
        interval_second=None if interval is None else timedelta(seconds=interval),
    )
    response.bind(store)
    return response


def _find(connection: Connection, name_or_id: str | UUID) -> Row:
    """A schedule by id, exact name or unique id prefix, with its pipeline's id."""
    value = str(name_or_id).strip()
    full = name_or_id if isinstance(name_or_id, UUID) else parse_uuid(value)
    base = _SELECT
    where = SCHEDULES.c.id == full if full else SCHEDULES.c.name == value
    row = connection.execute(base.where(where)).first()
    if row is None and full is None and (prefix := id_prefix(value)) is not None:
        ids = connection.execute(select(SCHEDULES.c.id)).scalars().all()
        matches = [item for item in ids if item.hex.startswith(prefix)]
        if len(matches) == 1:
            row = connection.execute(base.where(SCHEDULES.c.id == matches[0])).first()
    if row is None:
        raise EntityNotFoundError(
            f"No schedule '{value}' exists; `stepwell schedule list` shows the schedules."
        )
    return row._mapping


def _check_timing(**fields: Any) -> Timing:
    """The fields checked as a `Schedule` is (ConfigurationError naming the problem)."""
    try:
        schedule = Schedule(**{k: v for k, v in fields.items() if v is not None})
    except ValidationError as error:
        problems = "; ".join(
            str(item["msg"]).removeprefix("Value error, ") for item in error.errors()
        )
        raise ConfigurationError(f"Invalid schedule: {problems}") from None
    return Timing.of(schedule)


class ScheduleMethods(SqlStoreBase):
    """The schedules part of `SqlStore`."""

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
    ) -> ScheduleResponse:
        """Record a schedule of a snapshot; its first due time is computed here."""
        if not name or not name.strip():
            raise ConfigurationError("A schedule needs a non-empty name.")
        times = {
            "start_time": as_utc(start_time),
            "end_time": as_utc(end_time),
            "run_once_start_time": as_utc(run_once_start_time),
        }
        timing = _check_timing(
            cron_expression=cron_expression, interval_second=interval_second, **times
        )
        timing = Timing(**{**timing.__dict__, "catchup": catchup})
        now, new_id = utc_now(), uuid4()
        values = {
            "id": new_id,
            "name": name.strip(),
            "snapshot_id": as_uuid(snapshot_id),
            "cron_expression": cron_expression,
            "interval_second": interval_second,
            **times,
            "catchup": catchup,
            "active": True,
            "next_run_time": first_run_time(timing, now),
            "last_run_time": None,
            "run_configuration": run_configuration,
            "created": now,
            "updated": now,
        }

        def work(connection: Connection) -> Row:
            found = connection.scalar(
                select(SNAPSHOTS.c.id).where(SNAPSHOTS.c.id == values["snapshot_id"])
            )
            if found is None:
                raise EntityNotFoundError(f"No snapshot with id {snapshot_id} exists.")
            connection.execute(SCHEDULES.insert(), values)
            return _find(connection, new_id)

        try:
            row = self._db.write(work)
        except IntegrityError as error:
            if is_unique_violation(error):
                raise EntityExistsError(
                    f"A schedule named '{name}' already exists; pick another name or delete "
                    "it first (`stepwell schedule delete`)."
                ) from error
            raise
        return _response(row, self._store())

    def get_schedule(self, name_or_id: str | UUID) -> ScheduleResponse:
        """A schedule by name, id or unique id prefix."""
        with self._db.read() as connection:
            return _response(_find(connection, name_or_id), self._store())

    def list_schedules(
        self,
        *,
        sort_by: str = "created",
        page: int = 1,
        size: int = 50,
        logical_operator: Any = "and",
        **filters: Any,
    ) -> Page[ScheduleResponse]:
        """One page of schedules (filters: name, active, pipeline_id, snapshot_id, ...)."""
        store = self._store()
        return read_page(
            self._db, SCHEDULE_LISTING, filters, sort_by, page, size, logical_operator,
            each(lambda row: _response(row, store)),
        )  # fmt: skip

    def update_schedule(
        self,
        schedule_id: UUID,
        *,
        active: bool | None = None,
        cron_expression: str | None = None,
    ) -> ScheduleResponse:
        """Pause (`active=False`) or resume a schedule, or give it a new cron expression
        (its next due time is then computed again from now)."""

        def work(connection: Connection) -> Row:
            row = _find(connection, as_uuid(schedule_id))
            values: dict[str, Any] = {"updated": utc_now()}
            if active is not None:
                values["active"] = active
            if cron_expression is not None:
                timing = _check_timing(
                    cron_expression=cron_expression,
                    start_time=row["start_time"],
                    end_time=row["end_time"],
                )
                timing = Timing(**{**timing.__dict__, "catchup": row["catchup"]})
                values["cron_expression"] = cron_expression
                values["next_run_time"] = next_run_time(timing, values["updated"])
            connection.execute(update(SCHEDULES).where(SCHEDULES.c.id == row["id"]), values)
            return _find(connection, row["id"])

        return _response(self._db.write(work), self._store())

    def delete_schedule(self, schedule_id: UUID) -> None:
        """Delete a schedule; the runs it started are kept (they keep its id)."""

        def work(connection: Connection) -> None:
            row = _find(connection, as_uuid(schedule_id))
            connection.execute(delete(SCHEDULES).where(SCHEDULES.c.id == row["id"]))

        self._db.write(work)

    # -- for the server's scheduler only (not in the REST API) ----------------------------
    def claim_due_schedule(self, now: datetime | None = None) -> ScheduleResponse | None:
        """Claim the oldest due time of an active schedule, or None when nothing is due.

        The claim is one conditional UPDATE: it moves `next_run_time` on (see
        `schedule_times.after_firing`) and sets `last_run_time` to the claimed due time only
        if `next_run_time` still holds the value read. The caller that wins runs the
        schedule's snapshot once; every other caller sees no change and moves on. The
        answer's `last_run_time` is the due time claimed.
        """
        moment = as_utc(now) or utc_now()
        due_rows = (
            _SELECT.where(SCHEDULES.c.active.is_(True), SCHEDULES.c.next_run_time <= moment)
            .order_by(SCHEDULES.c.next_run_time)
            .limit(_CANDIDATES)
        )
        with self._db.read() as connection:
            candidates = [row._mapping for row in connection.execute(due_rows)]
        for row in candidates:
            due = row["next_run_time"]
            following = after_firing(Timing.of(_TimingRow(row)), due, moment)
            claim = (
                update(SCHEDULES)
                .where(
                    SCHEDULES.c.id == row["id"],
                    SCHEDULES.c.active.is_(True),
                    SCHEDULES.c.next_run_time == due,
                )
                # A schedule with no time left (run once, or past its end) is done: inactive.
                .values(
                    next_run_time=following,
                    last_run_time=due,
                    active=following is not None,
                    updated=utc_now(),
                )
            )
            if self._db.write(partial(_claimed, claim)):
                claimed = {
                    **row,
                    "next_run_time": following,
                    "last_run_time": due,
                    "active": following is not None,
                }
                return _response(claimed, self._store())
        return None


def _claimed(claim: Any, connection: Connection) -> bool:
    """Whether the conditional update changed the row (this caller won the due time)."""
    return bool(connection.execute(claim).rowcount == 1)


class _TimingRow:
    """A schedules row seen through the attribute names `Timing.of` reads."""

    def __init__(self, row: Row) -> None:
        self.__dict__.update(row)
