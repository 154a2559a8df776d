"""Schedules run by a real server: a pipeline called with a schedule stores a snapshot and a
schedule and runs nothing now; the server's scheduler triggers the snapshot at each due time,
records the schedule on each run, honours pause, run-once and catchup, and never runs a due
time twice, across a restart or with two servers on one database."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from live_server import RunningServer, free_port, launch_server
from typer.testing import CliRunner

from stepwell.cli.app import app
from stepwell.client import Client
from stepwell.config.schedule import Schedule
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import EntityExistsError, EnvironmentConfigError
from stepwell.store.liveness import wait_for_run

TICK = "0.25"  # the servers here look for due schedules four times a second
MODULE = """
    from stepwell import pipeline, step

    @step(enable_cache=False)
    def produce(value: int = 1) -> int:
        return value * 2

    @pipeline
    def ticking(value: int = 1):
        produce(value=value)
"""


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _wait_for(what: str, check: Callable[[], Any], timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def _runs_of(schedule_name: str) -> list[Any]:
    client = Client()
    schedule = client.get_schedule(schedule_name)
    return client.list_pipeline_runs(schedule_id=schedule.id, size=1000).items


@pytest.fixture(scope="module")
def schedule_server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    running = launch_server(
        tmp_path_factory.mktemp("schedule-server"), STEPWELL_SERVER_SCHEDULE_TICK=TICK
    )
    yield running
    running.stop()


def _talk_to(server: RunningServer, monkeypatch: pytest.MonkeyPatch) -> None:
    import stepwell.store.active

    for name, value in server.client_env("member").items():
        monkeypatch.setenv(name, value)
    stepwell.store.active.reset_store()


@pytest.fixture
def on_server(schedule_server, monkeypatch) -> Any:
    """This test talks to the module's server; its schedules are deleted afterwards."""
    _talk_to(schedule_server, monkeypatch)
    yield schedule_server
    client = Client()
    for schedule in client.list_schedules(size=1000):
        client.delete_schedule(schedule.id)


@pytest.fixture
def ticking(user_module) -> Any:
    return user_module(MODULE, "scheduled_pipelines").ticking


def test_an_interval_schedule_runs_on_the_server_until_paused(on_server, ticking):
    start = _now() + timedelta(seconds=1.5)
    schedule = Schedule(name="every-2s", start_time=start, interval_second=2)
    assert ticking.with_options(schedule=schedule)(value=21) is None
    client = Client()
    # Nothing ran at the call: the schedule's first due time is still ahead.
    assert client.list_pipeline_runs(pipeline="ticking").total == 0
    stored = client.get_schedule("every-2s")
    assert stored.active and stored.next_run_time == start
    assert stored.interval_second == timedelta(seconds=2)
    assert client.get_snapshot(stored.snapshot_id).pipeline_name == "ticking"

    runs = _wait_for(
        "two scheduled runs", lambda: len(_runs_of("every-2s")) >= 2 and _runs_of("every-2s")
    )
    assert {run.schedule_id for run in runs} == {stored.id}
    assert {run.snapshot_id for run in runs} == {stored.snapshot_id}
    first = wait_for_run(client.store, runs[-1].id, 60)
    assert first.status is ExecutionStatus.COMPLETED
    assert first.steps["produce"].output.load() == 42  # the call's argument, every run

    client.update_schedule("every-2s", active=False)
    time.sleep(2.0)  # a due time claimed just before the pause may still start its run
    paused_count = len(_runs_of("every-2s"))
    time.sleep(4.5)  # more than two intervals
    assert len(_runs_of("every-2s")) == paused_count

    client.update_schedule("every-2s", active=True)
    _wait_for("a run after resuming", lambda: len(_runs_of("every-2s")) > paused_count)
    client.delete_schedule("every-2s")
    assert "every-2s" not in [s.name for s in client.list_schedules()]


@pytest.mark.parametrize(("catchup", "expected"), [(False, 1), (True, 3)])
def test_missed_due_times_run_once_without_catchup_and_each_with_it(
    on_server, ticking, catchup, expected
):
    # Due at -70, -40 and -10 s: all missed; the next is 20 s ahead.
    name = f"missed-{catchup}"
    start = _now() - timedelta(seconds=70)
    ticking.with_options(
        schedule=Schedule(name=name, start_time=start, interval_second=30, catchup=catchup)
    )()
    _wait_for(f"{expected} runs", lambda: len(_runs_of(name)) >= expected)
    time.sleep(1.5)  # room for a wrong extra run to show up
    assert len(_runs_of(name)) == expected
    schedule = Client().get_schedule(name)
    assert schedule.next_run_time == start + timedelta(seconds=90)
    assert schedule.last_run_time == start + timedelta(seconds=60 if catchup else 0)


def test_the_yaml_schedule_key_schedules_instead_of_running(on_server, ticking, tmp_path):
    config = tmp_path / "run.yaml"
    config.write_text("schedule:\n  name: from-yaml\n  cron_expression: '0 3 * * *'\n")
    assert ticking.with_options(config_path=str(config))() is None
    client = Client()
    schedule = client.get_schedule("from-yaml")
    assert schedule.cron_expression == "0 3 * * *"
    due = schedule.next_run_time
    assert (due.hour, due.minute, due.second) == (3, 0, 0) and due > _now()
    assert client.list_pipeline_runs(pipeline="ticking", schedule_id=schedule.id).total == 0
    with pytest.raises(EntityExistsError, match="from-yaml"):
        ticking.with_options(config_path=str(config))()


def test_the_schedule_commands_list_pause_resume_update_and_delete(on_server, ticking):
    ticking.with_options(schedule=Schedule(name="nightly", cron_expression="0 2 * * *"))()
    runner = CliRunner()

    def stepwell(*args: str) -> Any:
        result = runner.invoke(app, [*args, "--output", "json"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    listed = {row["name"]: row for row in stepwell("schedule", "list")}
    assert listed["nightly"]["active"] is True
    assert listed["nightly"]["timing"] == "cron 0 2 * * *"
    assert stepwell("schedule", "pause", "nightly")["active"] is False
    assert [r["name"] for r in stepwell("schedule", "list", "--paused")] == ["nightly"]
    assert stepwell("schedule", "resume", "nightly")["active"] is True
    updated = stepwell("schedule", "update", "nightly", "-c", "30 4 * * *")
    assert updated["cron_expression"] == "30 4 * * *"
    assert "T04:30:00" in updated["next_run_time"]
    assert stepwell("schedule", "delete", "nightly", "--yes")["deleted"] == "schedule"
    assert "nightly" not in [row["name"] for row in stepwell("schedule", "list")]


def test_a_run_once_schedule_runs_once_even_across_a_restart(on_server, ticking):
    ticking.with_options(
        schedule=Schedule(name="just-once", run_once_start_time=_now() + timedelta(seconds=1))
    )()
    _wait_for("the single run", lambda: _runs_of("just-once"))
    fired = Client().get_schedule("just-once")
    assert fired.next_run_time is None
    assert fired.active is False  # nothing left to run: shown as done, not active
    on_server.stop()
    on_server.start()
    time.sleep(2.0)  # eight ticks of the restarted server
    assert len(_runs_of("just-once")) == 1


class _SecondServer(RunningServer):
    """A server of another server's database (its own home folder and port)."""

    def __init__(self, home: Path, database_of: RunningServer, **settings: str) -> None:
        super().__init__(home, free_port(), settings)
        self.database_of = database_of

    @property
    def store_url(self) -> str:
        return self.database_of.store_url


def test_two_servers_on_one_database_run_each_due_time_once(on_server, tmp_path, ticking):
    second = _SecondServer(tmp_path / "second", on_server, STEPWELL_SERVER_SCHEDULE_TICK=TICK)
    second.home.mkdir()
    try:
        second.start()
        start = _now() + timedelta(seconds=1)
        ticking.with_options(
            schedule=Schedule(name="shared", start_time=start, interval_second=2)
        )()
        time.sleep(7.0)
        Client().update_schedule("shared", active=False)
        time.sleep(2.0)  # the runs of due times claimed before the pause start
        runs = _runs_of("shared")
        # Due at +1, +3, +5 and +7 s at most; both servers firing would make about twice that.
        assert 2 <= len(runs) <= 4, [run.name for run in runs]
    finally:
        second.stop()


def test_without_a_server_a_schedule_is_refused_and_nothing_is_stored(ticking, tmp_path):
    client = Client()
    with pytest.raises(EnvironmentConfigError) as refused:
        ticking.with_options(schedule=Schedule(cron_expression="0 * * * *"))()
    message = str(refused.value)
    assert "stepwell server start" in message and "stepwell login" in message
    config = tmp_path / "run.yaml"
    config.write_text("schedule: {cron_expression: '0 * * * *'}\n")
    with pytest.raises(EnvironmentConfigError, match="only a stepwell server runs schedules"):
        ticking.with_options(config_path=str(config))()
    assert client.list_pipelines().total == 0
    assert client.list_snapshots().total == 0
    assert client.list_pipeline_runs().total == 0
    assert client.list_schedules().total == 0
