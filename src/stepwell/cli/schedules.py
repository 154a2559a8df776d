"""`stepwell schedule ...`: list, pause, resume, update and delete schedules (read).

Schedules are made by calling a pipeline that has one and are run by the stepwell server
(ZenML's `zenml pipeline schedule` group, with `pause`/`resume` for its
`deactivate`/`activate`). Every rule is the Client's; this module parses and renders.
"""

from __future__ import annotations

from typing import Any

import typer

from stepwell.cli.confirm import confirm_or_stop
from stepwell.cli.output import OUTPUT_OPTION, OutputFormat, iso, print_json, say, show
from stepwell.cli.paging import PAGE_OPTION, SIZE_OPTION, SORT_OPTION, empty_text

app = typer.Typer(no_args_is_help=True)
NAME_ARGUMENT = typer.Argument(..., help="The schedule's name (or id, or id prefix).")


def _timing(schedule: Any) -> str:
    if schedule.cron_expression:
        return f"cron {schedule.cron_expression}"
    if schedule.interval_second is not None and schedule.start_time is not None:
        return f"every {schedule.interval_second.total_seconds():g} s"
    return "once"


def schedule_row(schedule: Any) -> dict[str, Any]:
    """A schedule as JSON-ready fields."""
    interval = schedule.interval_second
    return {
        "name": schedule.name,
        "active": schedule.active,
        "timing": _timing(schedule),
        "cron_expression": schedule.cron_expression,
        "interval_second": None if interval is None else interval.total_seconds(),
        "start_time": iso(schedule.start_time),
        "end_time": iso(schedule.end_time),
        "run_once_start_time": iso(schedule.run_once_start_time),
        "catchup": schedule.catchup,
        "next_run_time": iso(schedule.next_run_time),
        "last_run_time": iso(schedule.last_run_time),
        "snapshot_id": None if schedule.snapshot_id is None else str(schedule.snapshot_id),
        "pipeline_id": None if schedule.pipeline_id is None else str(schedule.pipeline_id),
        "id": str(schedule.id),
        "created": iso(schedule.created),
    }


@app.command("list")
def list_schedules(
    name: str | None = typer.Option(
        None, "--name", help="Only schedules of this name (or e.g. 'contains:nightly')."
    ),
    active: bool | None = typer.Option(
        None, "--active/--paused", help="Only active (or only paused) schedules."
    ),
    limit: int = SIZE_OPTION,
    page: int = PAGE_OPTION,
    sort_by: str | None = SORT_OPTION,
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """List schedules with their timing and next due time."""
    from stepwell.client import Client

    schedules = Client().list_schedules(
        sort_by=sort_by or "created", page=page, size=limit, name=name, active=active
    )
    show(
        [schedule_row(schedule) for schedule in schedules],
        ["name", "active", "timing", "next_run_time", "last_run_time", "id"],
        output,
        page=schedules,
        empty=empty_text(
            "schedules",
            "No schedules yet; call a pipeline with `with_options(schedule=Schedule(...))`.",
            name,
            active,
            page=schedules,
        ),
    )


def _set_active(name: str, active: bool, output: OutputFormat) -> None:
    from stepwell.client import Client

    schedule = Client().update_schedule(name, active=active)
    if output is OutputFormat.json:
        print_json(schedule_row(schedule))
        return
    say(f"Schedule '{schedule.name}' is {'active' if schedule.active else 'paused'}.")


@app.command("pause")
def pause_schedule(name: str = NAME_ARGUMENT, output: OutputFormat = OUTPUT_OPTION) -> None:
    """Pause a schedule: the server starts no runs of it until it is resumed."""
    _set_active(name, False, output)


@app.command("resume")
def resume_schedule(name: str = NAME_ARGUMENT, output: OutputFormat = OUTPUT_OPTION) -> None:
    """Resume a paused schedule (without catchup, missed due times run once, then on time)."""
    _set_active(name, True, output)


@app.command("update")
def update_schedule(
    name: str = NAME_ARGUMENT,
    cron_expression: str = typer.Option(
        ..., "--cron-expression", "-c", help="The new cron expression, e.g. '0 3 * * *'."
    ),
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """Give a schedule a new cron expression (its next due time counts from now)."""
    from stepwell.client import Client

    schedule = Client().update_schedule(name, cron_expression=cron_expression)
    if output is OutputFormat.json:
        print_json(schedule_row(schedule))
        return
    say(f"Schedule '{schedule.name}' now runs by '{schedule.cron_expression}'.")


@app.command("delete")
def delete_schedule(
    name: str = NAME_ARGUMENT,
    yes: bool = typer.Option(False, "--yes", "-y", help="Don't ask for confirmation."),
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """Delete a schedule (its snapshot and the runs it started stay)."""
    from stepwell.client import Client

    client = Client()
    schedule = client.get_schedule(name)
    confirm_or_stop(
        f"Delete schedule '{schedule.name}'?", f"Deleting schedule '{schedule.name}'", yes=yes
    )
    client.delete_schedule(schedule.id)
    if output is OutputFormat.json:
        print_json({"deleted": "schedule", "name": schedule.name, "id": str(schedule.id)})
        return
    say(f"Deleted schedule '{schedule.name}'.")
