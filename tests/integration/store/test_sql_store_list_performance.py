"""Listing runs stays fast with 100,000 runs: the queries SQLite runs use indexes, never a
full scan of pipeline_runs (read from SQLite's own EXPLAIN QUERY PLAN of the statements the
store executed)."""

import sqlite3
import time
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, event

RUNS = 100_000


@pytest.fixture(scope="module")
def big_store(tmp_path_factory):
    """A store holding 100,000 runs of one pipeline (a tenth failed), inserted in bulk."""
    from stepwell.store.sql import SqlStore

    path = tmp_path_factory.mktemp("big") / "stepwell.db"
    store = SqlStore(f"sqlite:///{path}")
    pipeline = store.get_or_create_pipeline("nightly")
    start = datetime(2026, 1, 1)
    rows = [
        (
            uuid.uuid4().hex,
            f"nightly-{number}",
            pipeline.id.hex,
            "nightly",
            "failed" if number % 10 == 0 else "completed",
            '{"name": "nightly"}',
            0,
            (start + timedelta(seconds=number)).isoformat(sep=" ", timespec="microseconds"),
        )
        for number in range(RUNS)
    ]
    with sqlite3.connect(path) as connection:
        connection.executemany(
            "INSERT INTO pipeline_runs (id, name, pipeline_id, pipeline_name, status, config, "
            "is_unlisted, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*row, row[-1]) for row in rows],
        )
    yield store, path
    store.close()


def _run_statements(store, call):
    """(SQL, parameters) of every statement on pipeline_runs that `call(store)` executed."""
    seen = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        if "pipeline_runs" in statement:
            seen.append((statement, parameters))

    event.listen(Engine, "before_cursor_execute", remember)
    try:
        started = time.perf_counter()
        page = call(store)
        elapsed = time.perf_counter() - started
    finally:
        event.remove(Engine, "before_cursor_execute", remember)
    return page, elapsed, seen


def _plans(path, statements):
    with sqlite3.connect(path) as connection:
        return [
            [row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
            for sql, params in statements
        ]


def _assert_indexed(plans):
    assert plans, "the list call ran no statement on pipeline_runs"
    for plan in plans:
        table_steps = [step for step in plan if "pipeline_runs" in step]
        assert table_steps, plan
        for step in table_steps:
            assert "INDEX" in step, f"full scan of pipeline_runs: {plan}"


def test_the_default_run_list_reads_the_created_index(big_store):
    store, path = big_store
    page, elapsed, statements = _run_statements(store, lambda s: s.list_runs())

    assert len(page) == 50 and page.total == RUNS
    assert page[0].name == f"nightly-{RUNS - 1}"
    plans = _plans(path, statements)
    _assert_indexed(plans)
    assert "ix_pipeline_runs_created" in plans[0][0]
    assert elapsed < 1.0


def test_a_status_filter_reads_the_status_index(big_store):
    store, path = big_store
    page, elapsed, statements = _run_statements(
        store, lambda s: s.list_runs(status="in:failed,stopped", size=20, page=3)
    )

    assert page.total == RUNS // 10
    assert {run.status.value for run in page} == {"failed"}
    plans = _plans(path, statements)
    _assert_indexed(plans)
    assert any("ix_pipeline_runs_status" in step for plan in plans for step in plan)
    assert elapsed < 1.0
