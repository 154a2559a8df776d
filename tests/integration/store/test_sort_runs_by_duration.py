"""Runs sort (and filter) by duration, the DURATION column of `pipeline runs list`: the
database computes end_time - start_time, on SQLite and PostgreSQL alike, and runs that
have not ended come last in either direction."""

from datetime import datetime, timedelta, timezone

from stepwell.enums import ExecutionStatus

START = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)


def _runs_lasting(store, make_run, seconds_by_name):
    for name, seconds in seconds_by_name.items():
        run = make_run(store, name=name, status=ExecutionStatus.RUNNING, start_time=START)
        if seconds is not None:
            end = START + timedelta(seconds=seconds)
            store.end_run(run.id, status=ExecutionStatus.COMPLETED, end_time=end)


def test_runs_sort_by_duration_with_unfinished_runs_last(store, make_run):
    _runs_lasting(store, make_run, {"short": 5, "running": None, "long": 3600, "mid": 90.5})

    longest = [run.name for run in store.list_runs(sort_by="desc:duration")]
    shortest = [run.name for run in store.list_runs(sort_by="asc:duration")]

    assert longest == ["long", "mid", "short", "running"]
    assert shortest == ["short", "mid", "long", "running"]


def test_runs_filter_by_duration_in_seconds(store, make_run):
    _runs_lasting(store, make_run, {"short": 5, "long": 3600, "mid": 90})

    found = store.list_runs(duration="gt:60", sort_by="asc:duration")

    assert [run.name for run in found] == ["mid", "long"]
