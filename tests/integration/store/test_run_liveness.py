"""Liveness on a shared store: heartbeats and dead-run checks on the database's clock, by the
run's own recorded interval (both backends)."""

from __future__ import annotations

import importlib
from datetime import timedelta, timezone
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import create_engine, func, literal_column, update

from stepwell.client import Client
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import EntityNotFoundError
from stepwell.store.sql import SqlStore
from stepwell.store.sql.tables import RUNS

RUNNING = ExecutionStatus.RUNNING


def set_heartbeat_seconds_ago(store: SqlStore, run_id: UUID, seconds: int) -> None:
    """Write a run's heartbeat by SQL, `seconds` before the database's own time, as another
    machine's orchestrator would have written it."""
    engine = create_engine(store.url)
    try:
        if engine.dialect.name == "sqlite":
            then: Any = func.strftime("%Y-%m-%d %H:%M:%f000", "now", f"-{seconds} seconds")
        else:
            then = literal_column(f"CURRENT_TIMESTAMP - interval '{seconds} seconds'")
        with engine.begin() as connection:
            connection.execute(update(RUNS).where(RUNS.c.id == run_id).values(heartbeat=then))
    finally:
        engine.dispose()


@pytest.fixture
def remote_run(store, make_run):
    """A running run orchestrated on another machine: make_run(interval=...)."""

    def make(interval: float | None = 5.0):
        return make_run(
            store,
            status=RUNNING,
            orchestrator_pid=4242,
            orchestrator_host="another-machine",
            orchestrator_start_token="boot:1",
            heartbeat_interval=interval,
        )

    return make


@pytest.fixture
def reader(store, monkeypatch):
    """A Client on the same database whose own heartbeat setting is 0.1 s."""
    monkeypatch.setenv("STEPWELL_STORE_URL", store.url)
    monkeypatch.setenv("STEPWELL_HEARTBEAT_INTERVAL", "0.1")
    importlib.import_module("stepwell.store.active").reset_store()
    return Client()


def test_a_run_records_the_interval_it_beats_at(store, make_run):
    created = make_run(store, heartbeat_interval=2.5)
    assert created.heartbeat_interval == 2.5
    assert store.get_run(created.id).heartbeat_interval == 2.5
    assert store.update_run(created.id, heartbeat_interval=7.0).heartbeat_interval == 7.0
    assert make_run(store).heartbeat_interval is None


def test_a_heartbeat_is_stamped_with_the_database_time(store, make_run):
    run = make_run(store, status=RUNNING)
    before = store.database_time()
    beat = store.record_heartbeat(run.id)
    after = store.database_time()
    assert beat.heartbeat is not None and beat.heartbeat.tzinfo is not None
    assert beat.heartbeat.utcoffset() == timedelta(0)
    assert before <= beat.heartbeat <= after
    assert store.get_run(run.id).heartbeat == beat.heartbeat
    assert after.tzinfo == timezone.utc


def test_a_heartbeat_reads_back_a_stop_request(store, make_run):
    run = make_run(store, status=RUNNING)
    assert store.record_heartbeat(run.id).stop_requested_at is None
    asked = store.update_run(run.id, stop_requested_at=store.database_time()).stop_requested_at
    beat = store.record_heartbeat(run.id)
    assert beat.stop_requested_at == asked
    assert (beat.status, beat.config) == (RUNNING, run.config)


def test_a_heartbeat_for_an_unknown_run_is_an_error(store):
    with pytest.raises(EntityNotFoundError, match="No run"):
        store.record_heartbeat(uuid4())


def test_a_run_silent_for_an_hour_on_another_host_is_failed_by_a_reader(
    store, remote_run, make_step, reader
):
    run = remote_run()
    make_step(store, run.id, "train")
    set_heartbeat_seconds_ago(store, run.id, 3600)

    seen = reader.get_pipeline_run(run.id)

    assert seen.status is ExecutionStatus.FAILED
    assert "stopped sending heartbeats" in (seen.status_message or "")
    assert store.get_run_steps(run.id)["train"].status is ExecutionStatus.FAILED


def test_a_readers_short_interval_leaves_a_run_within_its_own_interval(store, remote_run, reader):
    run = remote_run(interval=5.0)
    # 100 of the reader's intervals, but fewer than three of the run's own.
    set_heartbeat_seconds_ago(store, run.id, 10)

    assert reader.get_pipeline_run(run.id).status is RUNNING
    assert [r.status for r in reader.list_pipeline_runs()] == [RUNNING]
    # The store's own re-check under its lock judges the same way.
    assert store.fail_dead_run(run.id, "gone").status is RUNNING
    assert store.get_run(run.id).status is RUNNING


@pytest.mark.parametrize(("seconds_ago", "status"), [(10, RUNNING), (20, ExecutionStatus.FAILED)])
def test_a_run_recorded_without_an_interval_is_judged_by_the_default(
    store, remote_run, reader, seconds_ago, status
):
    run = remote_run(interval=None)
    set_heartbeat_seconds_ago(store, run.id, seconds_ago)
    assert reader.get_pipeline_run(run.id).status is status
