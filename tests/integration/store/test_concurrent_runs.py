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
import signal
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select

from stepwell.enums import ExecutionStatus
from stepwell.exceptions import EntityNotFoundError
from stepwell.execution.step_logs import logs_uri_for
from stepwell.store.active import default_artifact_store
from stepwell.store.sql import SqlStore
from stepwell.store.sql.tables import ARTIFACTS, STEP_RUNS, VERSIONS
from stepwell.utils.processes import recorded_process_is_gone

SUBMITTERS = 16
RUNS_EACH = 4
RUNS_PER_ROUND = SUBMITTERS * RUNS_EACH
STEPS = ("load", "scale", "total")
ROUND_DEADLINE = 40.0
DUMP_WAIT = 0.5  # for a signalled process to write its threads' stacks


@pytest.fixture
def workers(monkeypatch):
    monkeypatch.syspath_prepend(str(Path(__file__).parent))
    import concurrent_runs_workers

    return concurrent_runs_workers


def _stacks_of(pids: list[int], dump_path: Path) -> str:
    """Where the (still running) processes `pids` are: each is asked in turn to write all
    its threads' stacks to `dump_path` (see `dump_stacks_on_signal`); what they wrote."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGUSR1)
        except ProcessLookupError:
            continue
        time.sleep(DUMP_WAIT)  # one at a time: dumps of several processes would interleave
    try:
        return dump_path.read_text(errors="replace")
    except FileNotFoundError:
        return ""


def _collect(results: Any, processes: list[Any], deadline: float, dump_path: Path) -> list[Any]:
    reports = []
    for _ in range(len(processes)):
        try:
            reports.append(results.get(timeout=max(0.1, deadline - time.monotonic())))
        except queue.Empty:
            reported = {report[1] for report in reports}
            silent = [p.pid for p in processes if p.pid not in reported and p.is_alive()]
            errors = "\n".join(report[2] for report in reports if report[0] != "ok")
            pytest.fail(
                f"only {len(reports)} of {len(processes)} processes reported back in time; "
                f"errors reported: {errors or 'none'}\n"
                f"the stacks of those still running ({silent}):\n"
                f"{_stacks_of(silent, dump_path)}"
            )
    errors = [report[2] for report in reports if report[0] != "ok"]
    assert not errors, "\n".join(errors)
    return reports


def _run_round(
    workers: Any, url: str, label: str, to_delete: list[str], dump_path: Path
) -> list[str]:
    """Start RUNS_PER_ROUND background runs from SUBMITTERS processes while one more process
    deletes `to_delete`; return the names of the runs started. The processes (and the
    background runs they fork) write their stacks to `dump_path` when signalled."""
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(SUBMITTERS + 1)
    results = context.Queue()
    processes = [
        context.Process(
            target=workers.submit_runs,
            args=(url, f"{label}-p{index}", RUNS_EACH, barrier, results, str(dump_path)),
        )
        for index in range(SUBMITTERS)
    ]
    processes.append(
        context.Process(
            target=workers.delete_runs,
            args=(url, to_delete, barrier, results, str(dump_path)),
        )
    )
    for process in processes:
        process.start()
    try:
        reports = _collect(results, processes, time.monotonic() + ROUND_DEADLINE, dump_path)
    finally:
        for process in processes:
            process.join(timeout=30)
        results.close()
        results.join_thread()
    return [name for report in reports if isinstance(report[2], list) for name in report[2]]


def _wait_until_finished(store: SqlStore, names: list[str], dump_path: Path) -> dict[str, Any]:
    deadline = time.monotonic() + ROUND_DEADLINE
    runs = {}
    while True:
        runs = {name: store.get_run(name) for name in names}
        if all(run.status.is_finished for run in runs.values()):
            return runs
        if time.monotonic() > deadline:
            waiting = [r for n, r in sorted(runs.items()) if not r.status.is_finished]
            pytest.fail(
                f"{len(waiting)} runs did not finish in time, e.g. "
                f"{[r.name for r in waiting[:3]]}\n{_where_runs_are(store, waiting, dump_path)}"
            )
        time.sleep(0.2)


def _where_runs_are(store: SqlStore, runs: list[Any], dump_path: Path) -> str:
    """For unfinished runs: their status and steps, their processes' stacks (of those still
    alive on this host) and the end of each run's own log (where a crash's traceback goes)."""
    lines, alive = [], []
    for run in runs:
        steps = [(s.name, s.status.value) for s in store.get_run_steps(run.id).values()]
        gone = recorded_process_is_gone(
            run.orchestrator_pid, run.orchestrator_host, run.orchestrator_start_token
        )
        lines.append(
            f"{run.name}: {run.status.value}, process {run.orchestrator_pid} "
            f"{'gone' if gone else 'alive' if run.orchestrator_pid else 'never recorded'}, "
            f"steps {steps}"
        )
        if run.orchestrator_pid and not gone:
            alive.append(run.orchestrator_pid)
        log = Path(logs_uri_for(default_artifact_store(), run.id, "run"))
        if log.exists():
            lines.append(f"  end of its run log:\n{log.read_text(errors='replace')[-3000:]}")
    lines.append(f"stacks of the live ones ({alive}):\n{_stacks_of(alive, dump_path)}")
    return "\n".join(lines)


def _check_round(store: SqlStore, names: list[str], dump_path: Path) -> None:
    assert len(names) == RUNS_PER_ROUND
    assert len(set(names)) == RUNS_PER_ROUND, "a run was started twice"
    runs = _wait_until_finished(store, names, dump_path)
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


def _scenario(workers: Any, url: str, rounds: int, dumps: Path) -> None:
    store = SqlStore(url)
    try:
        previous: list[str] = []
        for index in range(rounds):
            dump_path = dumps / f"stacks-round-{index}.txt"
            label = f"r{index}-{uuid.uuid4().hex[:6]}"
            names = _run_round(workers, url, label, previous, dump_path)
            _check_round(store, names, dump_path)
            for name in previous:
                with pytest.raises(EntityNotFoundError):
                    store.get_run(name)
            _check_store(url, kept_runs=RUNS_PER_ROUND)
            previous = names
    finally:
        store.close()


def test_concurrent_runs_and_deletes_on_postgres_lose_nothing(workers, postgres_url, tmp_path):
    """64 runs from 16 processes at once, three rounds, each deleting the round before."""
    _scenario(workers, postgres_url, rounds=3, dumps=tmp_path)


def test_concurrent_runs_and_deletes_on_sqlite_lose_nothing(workers, sqlite_url, tmp_path):
    """The same scenario on a SQLite file: writers queue on its lock instead of colliding."""
    _scenario(workers, sqlite_url, rounds=2, dumps=tmp_path)
