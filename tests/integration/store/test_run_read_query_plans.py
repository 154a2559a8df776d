"""Reading runs through the Client stays indexed with 100,000 runs in the store.

`Client().list_pipeline_runs` and `Client().get_pipeline_run` are what users, the CLI and the
dashboard call most. The statements they send to SQLite are captured as they are executed and
SQLite's own `EXPLAIN QUERY PLAN` is read for each: every step that touches pipeline_runs
must go through an index (a `SCAN pipeline_runs` without one reads all 100,000 rows).
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event

from stepwell.client import Client
from stepwell.store.sql import SqlStore

RUNS = 100_000


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Client, Path]]:
    """A Client over a store holding 100,000 finished runs of two pipelines, bulk-inserted."""
    path = tmp_path_factory.mktemp("crowded") / "stepwell.db"
    store = SqlStore(f"sqlite:///{path}")
    owners = [store.get_or_create_pipeline(name) for name in ("nightly", "hourly")]
    start = datetime(2026, 1, 1)
    rows = []
    for number in range(RUNS):
        owner = owners[number % 2]
        created = (start + timedelta(seconds=number)).isoformat(sep=" ", timespec="microseconds")
        rows.append(
            (
                uuid.uuid4().hex,
                f"{owner.name}-{number}",
                owner.id.hex,
                owner.name,
                "completed",
                f'{{"name": "{owner.name}"}}',
                0,
                created,
                created,
            )
        )
    with sqlite3.connect(path) as connection:
        connection.executemany(
            "INSERT INTO pipeline_runs (id, name, pipeline_id, pipeline_name, status, config, "
            "is_unlisted, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    yield Client(store), path
    store.close()


def _statements_of(call: Callable[[], Any]) -> tuple[Any, list[tuple[str, Any]]]:
    """What `call()` returned, and every (SQL, parameters) on pipeline_runs it executed."""
    seen: list[tuple[str, Any]] = []

    def remember(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        if "pipeline_runs" in statement:
            seen.append((statement, parameters))

    event.listen(Engine, "before_cursor_execute", remember)
    try:
        result = call()
    finally:
        event.remove(Engine, "before_cursor_execute", remember)
    return result, seen


def _full_scans(path: Path, statements: list[tuple[str, Any]]) -> list[str]:
    """The plan steps that read pipeline_runs without an index, over all `statements`."""
    assert statements, "the call ran no statement on pipeline_runs"
    scans = []
    with sqlite3.connect(path) as connection:
        for sql, parameters in statements:
            for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}", parameters):
                detail = row[3]
                if detail.startswith("SCAN pipeline_runs") and "INDEX" not in detail:
                    scans.append(f"{detail}  <-  {sql.splitlines()[0]}")
    return scans


def test_getting_a_run_by_name_reads_one_index_entry(crowded):
    client, path = crowded
    run, statements = _statements_of(lambda: client.get_pipeline_run("hourly-77777"))

    assert run.name == "hourly-77777"
    assert _full_scans(path, statements) == []


def test_getting_a_run_by_id_reads_the_primary_key(crowded):
    client, path = crowded
    wanted = client.get_pipeline_run("nightly-4242")
    for key in (wanted.id, str(wanted.id)):
        run, statements = _statements_of(lambda key=key: client.get_pipeline_run(key))

        assert run.name == "nightly-4242"
        assert _full_scans(path, statements) == []


def test_listing_the_newest_runs_reads_the_created_index(crowded):
    client, path = crowded
    page, statements = _statements_of(lambda: client.list_pipeline_runs(size=20))

    assert page.total == RUNS
    assert [run.name for run in page.items][:2] == [f"hourly-{RUNS - 1}", f"nightly-{RUNS - 2}"]
    assert _full_scans(path, statements) == []


def test_listing_one_pipelines_runs_reads_an_index(crowded):
    client, path = crowded
    page, statements = _statements_of(
        lambda: client.list_pipeline_runs(pipeline_name="nightly", size=20, page=2)
    )

    assert page.total == RUNS // 2
    assert {run.pipeline_name for run in page.items} == {"nightly"}
    assert page.items[0].name == f"nightly-{RUNS - 2 - 2 * 20}"
    assert _full_scans(path, statements) == []


def test_the_plan_check_can_fail(crowded):
    """A query on an unindexed column is reported as a full scan."""
    _, path = crowded
    scans = _full_scans(path, [("SELECT id FROM pipeline_runs WHERE status_message = ?", ("x",))])

    assert scans and scans[0].startswith("SCAN pipeline_runs")
