"""`Store.end_run`: a run's end and its unfinished step runs' end are one write."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from stepwell.enums import ExecutionStatus
from stepwell.exceptions import StoreError


def _statuses(store, run_id) -> dict[str, str]:
    return {name: step.status.value for name, step in store.get_run_steps(run_id).items()}


@pytest.mark.parametrize("status", [ExecutionStatus.FAILED, ExecutionStatus.STOPPED])
def test_a_failed_or_stopped_run_ends_its_running_steps_with_it(store, make_run, make_step, status):
    run = make_run(store, status=ExecutionStatus.RUNNING)
    make_step(store, run.id, "load", status=ExecutionStatus.COMPLETED)
    make_step(store, run.id, "train", status=ExecutionStatus.RUNNING)
    make_step(store, run.id, "report", status=ExecutionStatus.INITIALIZING)
    end = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)

    ended = store.end_run(run.id, status=status, end_time=end, status_message="boom")

    assert (ended.status, ended.status_message) == (status, "boom")
    assert _statuses(store, run.id) == {
        "load": "completed",
        "train": status.value,
        "report": status.value,
    }
    assert store.get_run_steps(run.id)["train"].end_time == end


def test_a_completed_run_leaves_its_step_runs_alone(store, make_run, make_step):
    run = make_run(store, status=ExecutionStatus.RUNNING)
    make_step(store, run.id, "load", status=ExecutionStatus.COMPLETED)
    make_step(store, run.id, "cached", status=ExecutionStatus.CACHED)

    ended = store.end_run(
        run.id, status=ExecutionStatus.COMPLETED, end_time=datetime.now(timezone.utc)
    )

    assert ended.status is ExecutionStatus.COMPLETED
    assert ended.status_message is None
    assert _statuses(store, run.id) == {"load": "completed", "cached": "cached"}


def test_a_run_cannot_end_with_an_unfinished_status(store, make_run):
    run = make_run(store, status=ExecutionStatus.RUNNING)

    with pytest.raises(StoreError, match="finished status.*update_run"):
        store.end_run(run.id, status=ExecutionStatus.RUNNING, end_time=datetime.now(timezone.utc))

    assert store.get_run(run.id).status is ExecutionStatus.RUNNING
