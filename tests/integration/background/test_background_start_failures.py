"""A background run whose process cannot start, or fails before it runs, ends as failed
instead of staying `initializing` with nothing to run it."""

import os

import pytest

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import RunStartError
from stepwell.runs import background


@step(enable_cache=False)
def quick() -> int:
    return 1


@pipeline(settings={"orchestrator": {"synchronous": False}})
def detached():
    quick()


def test_a_daemon_that_cannot_be_forked_fails_the_run_and_says_why(monkeypatch):
    real_fork = os.fork
    forks = []

    def fork_once() -> int:  # the first fork works; the daemon's (in the child) does not
        forks.append(1)
        if len(forks) > 1:
            raise OSError(11, "Resource temporarily unavailable")
        return real_fork()

    monkeypatch.setattr(background.os, "fork", fork_once)
    with pytest.raises(RunStartError, match="Resource temporarily unavailable"):
        detached()
    (run,) = Client().list_pipeline_runs(pipeline_name="detached")
    assert run.status is ExecutionStatus.FAILED
    assert "could not be started" in run.status_message


def test_a_daemon_that_fails_before_running_ends_its_run_as_failed(monkeypatch):
    def broken(ctx):  # runs in the forked daemon: its output cannot be set up
        raise PermissionError("the run log's folder is read-only")

    monkeypatch.setattr(background, "_redirect_output", broken)
    run = detached()
    finished = Client().wait_for_pipeline_run(run.id, timeout=60)
    assert finished.status is ExecutionStatus.FAILED
    assert "read-only" in finished.status_message
    assert not finished.steps  # nothing ran
