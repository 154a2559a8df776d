"""Database connections of the metadata store (layer: store): engines, transactions, retries.

Everything "store" and "read" do in the define -> compile -> orchestrate -> launch -> store ->
read flow goes through `Database`: one short transaction per store call. For SQLite it turns on
WAL, `synchronous=NORMAL`, foreign keys and a busy timeout, starts write transactions with
`BEGIN IMMEDIATE` (so two writers never deadlock upgrading their locks) and retries writes
that still find the database locked. A process forked from one that used the engine drops the
inherited connections before its first query.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import StaticPool

from stepwell.store import sqlite_connections
from stepwell.store.write_retries import (
    BUSY_TIMEOUT_SECONDS,
    WRITE_ATTEMPTS,
    backoff,
    is_retryable,
)
from stepwell.utils.private_files import private_file, private_folder

T = TypeVar("T")

_WRITE_OPTION = "stepwell_write"


def _is_memory(database: str | None) -> bool:
    return not database or database == ":memory:" or "mode=memory" in database


def _set_wal(dbapi_connection: sqlite3.Connection) -> None:
    for attempt in range(WRITE_ATTEMPTS):
        try:
            dbapi_connection.execute("PRAGMA journal_mode=WAL").fetchall()
            return
        except sqlite3.OperationalError as error:
            if attempt == WRITE_ATTEMPTS - 1 or not is_retryable(error):
                raise
            backoff(attempt)


def _on_sqlite_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Let SQLAlchemy's `begin` hook, not pysqlite, decide when and how transactions start.
    dbapi_connection.isolation_level = None
    dbapi_connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
    dbapi_connection.execute("PRAGMA foreign_keys = ON")
    dbapi_connection.execute("PRAGMA synchronous = NORMAL")
    _set_wal(dbapi_connection)


def _on_sqlite_begin(connection: Connection) -> None:
    # Straight to the driver: an SQLAlchemy-level statement would double the cost of a read.
    write = connection.get_execution_options().get(_WRITE_OPTION, False)
    driver = cast(sqlite3.Connection, connection.connection.driver_connection)
    driver.execute("BEGIN IMMEDIATE" if write else "BEGIN")


def make_engine(url: str) -> Engine:
    """An engine for `url`, tuned for SQLite (file or memory) or any other SQLAlchemy backend."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        engine = create_engine(url, pool_pre_ping=True)
        event.listen(engine, "connect", _remember_connection)
        event.listen(engine, "close", _forget_connection)
        return engine
    kwargs: dict[str, Any] = {
        "connect_args": {"check_same_thread": False, "timeout": BUSY_TIMEOUT_SECONDS}
    }
    if _is_memory(parsed.database):  # one shared connection: for single-threaded tests only
        kwargs["poolclass"] = StaticPool
    elif parsed.database and not parsed.database.startswith("file:"):
        # Private whatever the umask: SQLite gives its -wal and -shm files the database's mode.
        database = Path(parsed.database).expanduser()
        private_folder(database.parent)
        private_file(database)
    engine = create_engine(url, **kwargs)
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "connect", _remember_connection)
    event.listen(engine, "close", _forget_connection)
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


# Every open network connection of this process, held strongly, so that a forked child never
# lets an inherited one be garbage-collected at some later moment (see `Database.check_fork`).
# SQLite's are registered in `stepwell.store.sqlite_connections`, with the direct path's.
_OPEN_CONNECTIONS: dict[int, Any] = {}


def _remember_connection(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        sqlite_connections.remember(dbapi_connection)
    else:
        _OPEN_CONNECTIONS[id(dbapi_connection)] = dbapi_connection


def _forget_connection(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        sqlite_connections.forget(dbapi_connection)
    else:
        _OPEN_CONNECTIONS.pop(id(dbapi_connection), None)


class Database:
    """An engine plus the transaction helpers the store uses; safe to use after `os.fork()`.

    The store runs SQLAlchemy Core statements on plain connections: an ORM `Session` would
    roughly triple the cost of each call, and every call is one short transaction anyway.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        # Made in a forked child: inherited SQLite connections close before this one opens.
        sqlite_connections.close_inherited()
        self.engine = make_engine(url)
        self.writer = self.engine.execution_options(**{_WRITE_OPTION: True})
        # SQLite reads run in a transaction: one consistent snapshot for all their statements.
        # Server databases read in autocommit mode: under their default READ COMMITTED
        # isolation every statement sees the latest commits anyway, and a read then costs no
        # BEGIN and ROLLBACK round trips.
        self.reader = (
            self.engine
            if self.engine.dialect.name == "sqlite"
            else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        )
        self._pid = os.getpid()

    def check_fork(self) -> None:
        """Drop connections inherited from a parent process, once, before opening any.

        SQLite: every inherited connection, this engine's, other engines' and the direct
        path's, is closed right away (see `stepwell.store.sqlite_connections` for why that
        keeps the child's writes safe). Network databases: closing would end the parent's
        sessions, so they are only dropped, and kept referenced so that garbage collection
        never closes them either.
        """
        sqlite_connections.close_inherited()  # every path's, before this one opens any
        pid = os.getpid()
        if pid == self._pid:
            return
        self._pid = pid
        self.engine.dispose(close=False)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for queries (in a transaction that is rolled back at the end, on
        SQLite; in autocommit mode on server databases)."""
        self.check_fork()
        with self.reader.connect() as connection:
            yield connection

    def write(self, work: Callable[[Connection], T], attempts: int = WRITE_ATTEMPTS) -> T:
        """Run `work` in one write transaction, retrying it when the database is locked."""
        self.check_fork()
        for attempt in range(attempts):
            try:
                with self.writer.begin() as connection:
                    return work(connection)
            except OperationalError as error:
                if attempt == attempts - 1 or not is_retryable(error):
                    raise
                backoff(attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def dispose(self) -> None:
        """Close every pooled connection of this process."""
        if os.getpid() == self._pid:
            self.engine.dispose()
        else:
            self.engine.dispose(close=False)
