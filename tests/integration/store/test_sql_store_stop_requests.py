"""Runs record who orchestrates them, and a heartbeat reads back a stop request (both backends)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from uuid import uuid4

import pytest

from stepwell.enums import ExecutionStatus
from stepwell.exceptions import EntityNotFoundError, StoreError

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)


def test_a_run_records_its_orchestrators_host_and_start_token(store, make_run):
    created = make_run(
        store, orchestrator_pid=4242, orchestrator_host="node-a", orchestrator_start_token="b:17"
    )
    fetched = store.get_run(created.id)
    for run in (created, fetched):
        assert (run.orchestrator_pid, run.orchestrator_host) == (4242, "node-a")
        assert run.orchestrator_start_token == "b:17"
        assert run.stop_requested_at is None


def test_a_background_run_records_its_orchestrator_when_it_starts(store, make_run):
    run = make_run(store)
    started = store.update_run(
        run.id,
        status=ExecutionStatus.RUNNING,
        orchestrator_pid=7,
        orchestrator_host="node-b",
        orchestrator_start_token="b:99",
    )
    assert (started.orchestrator_host, started.orchestrator_start_token) == ("node-b", "b:99")
    assert store.get_run(run.id).orchestrator_host == "node-b"


def test_a_heartbeat_reads_back_a_stop_request(store, make_run):
    run = make_run(store, status=ExecutionStatus.RUNNING)
    assert store.update_run(run.id, heartbeat=NOW).stop_requested_at is None
    store.update_run(run.id, stop_requested_at=NOW + timedelta(seconds=1))
    beat = store.update_run(run.id, heartbeat=NOW + timedelta(seconds=2))
    assert beat.stop_requested_at == NOW + timedelta(seconds=1)
    assert beat.heartbeat == NOW + timedelta(seconds=2)
    assert beat.status is ExecutionStatus.RUNNING
    assert beat.config == run.config


def test_a_heartbeat_for_an_unknown_run_is_an_error(store):
    with pytest.raises(EntityNotFoundError, match="No run"):
        store.update_run(uuid4(), heartbeat=NOW)


def test_a_finished_status_still_cannot_go_back(store, make_run):
    run = make_run(store, status=ExecutionStatus.STOPPED)
    with pytest.raises(StoreError, match="cannot go back"):
        store.update_run(run.id, status=ExecutionStatus.RUNNING)
