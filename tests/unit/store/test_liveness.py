"""The dead-run rule: judged by the run's own heartbeat interval, at the database's time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from uuid import uuid4

import pytest

from stepwell.config.pipeline_config import PipelineConfig
from stepwell.enums import ExecutionStatus
from stepwell.store.liveness import is_dead
from stepwell.store.models import PipelineRunResponse

# A database whose clock reads a time far from this machine's: the rule must use only it.
DATABASE_NOW = datetime(2001, 6, 1, 12, 0, tzinfo=timezone.utc)


def run_seen(
    seconds_ago: float | None,
    interval: float | None = 5.0,
    status: ExecutionStatus = ExecutionStatus.RUNNING,
) -> PipelineRunResponse:
    """A run whose last heartbeat was `seconds_ago` before DATABASE_NOW (None: never beat)."""
    started = DATABASE_NOW - timedelta(hours=1)
    return PipelineRunResponse(
        id=uuid4(),
        name="nightly",
        pipeline_name="training",
        status=status,
        config=PipelineConfig(name="training"),
        start_time=started,
        created=started,
        updated=started,
        heartbeat=None if seconds_ago is None else DATABASE_NOW - timedelta(seconds=seconds_ago),
        heartbeat_interval=interval,
    )


def test_a_run_is_alive_until_it_misses_three_of_its_own_heartbeats():
    assert not is_dead(run_seen(14.0, interval=5.0), DATABASE_NOW)
    assert is_dead(run_seen(16.0, interval=5.0), DATABASE_NOW)


def test_only_the_database_time_counts_not_this_machines_clock():
    # Against this machine's clock the heartbeat is decades old; against the database's
    # it is one second old.
    assert not is_dead(run_seen(1.0), DATABASE_NOW)
    # And the other way: the run is silent by the database's clock, whatever ours says.
    assert is_dead(run_seen(3600.0), DATABASE_NOW)


def test_a_readers_short_interval_never_shortens_someone_elses_run(monkeypatch):
    monkeypatch.setenv("STEPWELL_HEARTBEAT_INTERVAL", "0.1")
    assert not is_dead(run_seen(100.0, interval=60.0), DATABASE_NOW)
    assert is_dead(run_seen(181.0, interval=60.0), DATABASE_NOW)


@pytest.mark.parametrize(("seconds_ago", "dead"), [(12.0, False), (16.0, True)])
def test_a_run_recorded_without_an_interval_is_judged_by_the_default(
    monkeypatch, seconds_ago, dead
):
    monkeypatch.setenv("STEPWELL_HEARTBEAT_INTERVAL", "0.1")
    assert is_dead(run_seen(seconds_ago, interval=None), DATABASE_NOW) is dead


def test_a_run_that_never_beat_is_judged_from_its_start():
    assert is_dead(run_seen(None), DATABASE_NOW)  # started an hour ago, never beat
    assert not is_dead(run_seen(None), DATABASE_NOW - timedelta(minutes=59, seconds=50))


def test_a_finished_run_is_never_dead():
    assert not is_dead(run_seen(3600.0, status=ExecutionStatus.COMPLETED), DATABASE_NOW)
