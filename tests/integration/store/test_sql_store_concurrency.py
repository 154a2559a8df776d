"""Several processes on one metadata store: version numbers, first-time schema creation, fork."""

from __future__ import annotations

import multiprocessing
import os
import queue
import sys
import threading
from pathlib import Path

import pytest

from stepwell.config.step_config import StepConfig
from stepwell.enums import ExecutionStatus
from stepwell.store.sql import SqlStore

WORKERS = 4
VERSIONS_EACH = 10


def _collect(results, count: int) -> list[tuple[str, int, object]]:
    collected = []
    for _ in range(count):
        try:
            collected.append(results.get(timeout=90))
        except queue.Empty:
            pytest.fail(f"only {len(collected)} of {count} workers reported back")
    return collected


def test_versions_from_several_processes_have_no_gaps(store_url, monkeypatch):
    """4 processes open a brand-new database at once and record 10 versions each.

    Forked where possible (fast: no re-import in the children), spawned elsewhere.
    """
    monkeypatch.syspath_prepend(str(Path(__file__).parent))
    import alembic.command  # noqa: F401  (loaded once here, so forked workers race sooner)
    import sqlstore_workers

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    barrier = context.Barrier(WORKERS)
    results = context.Queue()
    processes = [
        context.Process(
            target=sqlstore_workers.make_versions,
            args=(store_url, "model", VERSIONS_EACH, barrier, results),
        )
        for _ in range(WORKERS)
    ]
    for process in processes:
        process.start()
    try:
        reports = _collect(results, WORKERS)
    finally:
        for process in processes:
            process.join(timeout=60)
        results.close()
        results.join_thread()
    errors = [detail for kind, _, detail in reports if kind == "error"]
    assert errors == []
    assert all(process.exitcode == 0 for process in processes)

    made = sorted(number for _, _, numbers in reports for number in numbers)
    assert made == list(range(1, WORKERS * VERSIONS_EACH + 1))
    for _, _, numbers in reports:
        assert numbers == sorted(numbers)  # each process sees its versions count up
    store = SqlStore(store_url)
    try:
        stored = store.list_artifact_versions(name="model", size=1000)
        assert [v.version_number for v in stored] == list(range(1, WORKERS * VERSIONS_EACH + 1))
        assert len({v.uri for v in stored}) == WORKERS * VERSIONS_EACH
        assert len(store.list_artifacts()) == 1
    finally:
        store.close()


def test_threads_share_one_store(sqlite_store, make_run):
    run = make_run(sqlite_store)
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            for step in range(5):
                created = sqlite_store.create_step_run(
                    pipeline_run_id=run.id,
                    name=f"t{index}_{step}",
                    step_name="t",
                    config=StepConfig(),
                    status=ExecutionStatus.RUNNING,
                    inputs={},
                )
                sqlite_store.update_step_run(created.id, status=ExecutionStatus.COMPLETED)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(index,)) for index in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    steps = sqlite_store.get_run_steps(run.id)
    assert len(steps) == 30
    assert {step.status for step in steps.values()} == {ExecutionStatus.COMPLETED}


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_forked_child_does_not_reuse_parent_connections(sqlite_store, make_run):
    run = make_run(sqlite_store)
    parent_pool = sqlite_store._db.engine.pool
    assert sqlite_store.get_run(run.id).id == run.id  # the pool now holds a connection

    context = multiprocessing.get_context("fork")
    results = context.Queue()

    def child() -> None:
        try:
            version = sqlite_store.create_artifact_version(
                name="from-child", uri="/child", data_type="int", materializer="m"
            )
            fresh_pool = sqlite_store._db.engine.pool is not parent_pool
            results.put(
                ("ok", fresh_pool, version.version_number, sqlite_store.get_run(run.id).name)
            )
        except BaseException as error:
            results.put(("error", repr(error), None, None))
        finally:
            sys.stdout.flush()

    process = context.Process(target=child)
    process.start()
    try:
        report = results.get(timeout=60)
    finally:
        process.join(timeout=60)
        results.close()
        results.join_thread()
    assert report == ("ok", True, 1, run.name)
    assert process.exitcode == 0
    # The parent's own connections still work, and it sees what the child wrote.
    assert sqlite_store._db.engine.pool is parent_pool
    assert sqlite_store.get_artifact_version("from-child").uri == "/child"
    assert (
        sqlite_store.create_artifact_version(
            name="from-child", uri="/parent", data_type="int", materializer="m"
        ).version_number
        == 2
    )
