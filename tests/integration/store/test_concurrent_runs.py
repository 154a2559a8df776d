"""Many runs of one pipeline at once, from many processes, while older runs are deleted.

Every run's steps record the next version of the same three artifacts, so the writers
compete for version numbers; on PostgreSQL a version number read before waiting for the
artifact's lock used to collide with the previous writer's (a unique violation that failed
the run and left its step run `running`). Several rounds run in one test, because such a
race shows only in some of them; each round also deletes the previous round's runs.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select

from stepwell.enums import ExecutionStatus
from stepwell.exceptions import EntityNotFoundError
from stepwell.store.sql import SqlStore
from stepwell.store.sql.tables import ARTIFACTS, STEP_RUNS, VERSIONS

SUBMITTERS = 16
RUNS_EACH = 4
RUNS_PER_ROUND = SUBMITTERS * RUNS_EACH
STEPS = ("load", "scale", "total")
ROUND_DEADLINE = 40.0


@pytest.fixture
def workers(monkeypatch):
    monkeypatch.syspath_prepend(str(Path(__file__).parent))
    import concurrent_runs_workers

    return concurrent_runs_workers


def _collect(results: Any, count: int, deadline: float) -> list[Any]:
    reports = []
    for _ in range(count):
        try:
            reports.append(results.get(timeout=max(0.1, deadline - time.monotonic())))
        except queue.Empty:
            pytest.fail(f"only {len(reports)} of {count} processes reported back in time")
    errors = [report[2] for report in reports if report[0] != "ok"]
    assert not errors, "\n".join(errors)
    return reports


def _run_round(workers: Any, url: str, label: str, to_delete: list[str]) -> list[str]:
    """Start RUNS_PER_ROUND background runs from SUBMITTERS processes while one more process
    deletes `to_delete`; return the names of the runs started."""
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(SUBMITTERS + 1)
    results = context.Queue()
    processes = [
        context.Process(
            target=workers.submit_runs,
            args=(url, f"{label}-p{index}", RUNS_EACH, barrier, results),
        )
        for index in range(SUBMITTERS)
    ]
    processes.append(
        context.Process(target=workers.delete_runs, args=(url, to_delete, barrier, results))
    )
    for process in processes:
        process.start()
    try:
        reports = _collect(results, len(processes), time.monotonic() + ROUND_DEADLINE)
    finally:
        for process in processes:
            process.join(timeout=30)
        results.close()
        results.join_thread()
    return [name for report in reports if isinstance(report[2], list) for name in report[2]]


def _wait_until_finished(store: SqlStore, names: list[str]) -> dict[str, Any]:
    deadline = time.monotonic() + ROUND_DEADLINE
    runs = {}
    while True:
        runs = {name: store.get_run(name) for name in names}
        if all(run.status.is_finished for run in runs.values()):
            return runs
        if time.monotonic() > deadline:
            waiting = sorted(n for n, r in runs.items() if not r.status.is_finished)
            pytest.fail(f"{len(waiting)} runs did not finish in time, e.g. {waiting[:3]}")
        time.sleep(0.2)


def _check_round(store: SqlStore, names: list[str]) -> None:
    assert len(names) == RUNS_PER_ROUND
    assert len(set(names)) == RUNS_PER_ROUND, "a run was started twice"
    runs = _wait_until_finished(store, names)
    broken = {
        name: (
            run.status.value,
            run.status_message,
            [(s.name, s.status.value, s.exception) for s in store.get_run_steps(run.id).values()],
        )
        for name, run in runs.items()
        if run.status is not ExecutionStatus.COMPLETED
    }
    assert not broken, f"runs that did not complete, with their steps: {broken}"
    for run in runs.values():
        steps = store.get_run_steps(run.id)
        assert sorted(steps) == sorted(STEPS)
        for step_run in steps.values():
            assert step_run.status is ExecutionStatus.COMPLETED
            (output,) = step_run.outputs["output"]
            assert os.path.exists(output.uri), f"the bytes of {output.uri} are gone"


def _check_store(url: str, kept_runs: int) -> None:
    """No step run left unfinished anywhere; each artifact has one version per kept run,
    numbered without duplicates."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            unfinished = [s.value for s in ExecutionStatus if not s.is_finished]
            left = connection.scalar(
                select(func.count())
                .select_from(STEP_RUNS)
                .where(STEP_RUNS.c.status.in_(unfinished))
            )
            per_artifact = connection.execute(
                select(
                    ARTIFACTS.c.name,
                    func.count(VERSIONS.c.id),
                    func.count(VERSIONS.c.version.distinct()),
                )
                .join(VERSIONS, VERSIONS.c.artifact_id == ARTIFACTS.c.id)
                .group_by(ARTIFACTS.c.name)
            ).all()
    finally:
        engine.dispose()
    assert left == 0
    assert len(per_artifact) == len(STEPS)
    for name, versions, numbers in per_artifact:
        assert (versions, numbers) == (kept_runs, kept_runs), name


def _scenario(workers: Any, url: str, rounds: int) -> None:
    store = SqlStore(url)
    try:
        previous: list[str] = []
        for index in range(rounds):
            names = _run_round(workers, url, f"r{index}-{uuid.uuid4().hex[:6]}", previous)
            _check_round(store, names)
            for name in previous:
                with pytest.raises(EntityNotFoundError):
                    store.get_run(name)
            _check_store(url, kept_runs=RUNS_PER_ROUND)
            previous = names
    finally:
        store.close()


def test_concurrent_runs_and_deletes_on_postgres_lose_nothing(workers, postgres_url):
    """64 runs from 16 processes at once, three rounds, each deleting the round before."""
    _scenario(workers, postgres_url, rounds=3)


def test_concurrent_runs_and_deletes_on_sqlite_lose_nothing(workers, sqlite_url):
    """The same scenario on a SQLite file: writers queue on its lock instead of colliding."""
    _scenario(workers, sqlite_url, rounds=2)
