"""SQLite specifics of the metadata store: pragmas, BEGIN IMMEDIATE, waiting for the lock."""

from __future__ import annotations

import sqlite3
import threading
import time

from sqlalchemy import event, text

from stepwell.store.sql import SqlStore


def test_folder_is_created_and_pragmas_are_set(sqlite_url, tmp_path):
    assert not (tmp_path / "home").exists()
    store = SqlStore(sqlite_url)
    try:
        assert (tmp_path / "home" / "stepwell.db").is_file()
        with store._db.engine.connect() as connection:
            pragma = lambda name: connection.execute(text(f"PRAGMA {name}")).scalar()  # noqa: E731
            assert pragma("journal_mode") == "wal"
            assert pragma("foreign_keys") == 1
            assert pragma("synchronous") == 1  # NORMAL
            assert pragma("busy_timeout") == 30_000
    finally:
        store.close()


def test_writes_begin_immediate_and_reads_do_not(sqlite_store, make_run):
    sqlite_store.get_or_create_pipeline("training")
    engine = sqlite_store._db.engine
    statements: list[str] = []

    def trace(dbapi_connection, record):
        dbapi_connection.set_trace_callback(statements.append)

    event.listen(engine, "connect", trace)
    try:
        engine.dispose()  # the next connection is a traced one
        run = make_run(sqlite_store, name="traced")
        write = [s for s in statements if not s.startswith("PRAGMA")]
        statements.clear()
        sqlite_store.get_run(run.id)
        read = list(statements)
    finally:
        event.remove(engine, "connect", trace)
        engine.dispose()

    # make_run: a read of the pipeline, then one write transaction for the run.
    assert read[0] == "BEGIN" and "BEGIN IMMEDIATE" not in read
    write_start = write.index("BEGIN IMMEDIATE")
    assert write[:write_start].count("BEGIN") == 1
    assert write[write_start + 1].startswith("INSERT INTO pipeline_runs")
    assert write[write_start + 2 :] == ["COMMIT"]  # the unique name is the database's check


def test_writer_waits_for_the_lock_and_readers_do_not(sqlite_store, sqlite_url, make_run):
    run = make_run(sqlite_store, name="existing")
    blocker = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    created: list[str] = []
    writer = threading.Thread(target=lambda: created.append(make_run(sqlite_store, "late").name))
    try:
        writer.start()
        time.sleep(0.3)
        assert created == []  # still waiting for the lock
        assert sqlite_store.get_run("existing").id == run.id  # WAL: reads go on meanwhile
    finally:
        blocker.execute("COMMIT")
        blocker.close()
        writer.join(timeout=30)
    assert created == ["late"]
    assert sqlite_store.get_run("late").name == "late"
