"""One `sqlite3` connection per process, used the way `SqlStore`'s engine uses SQLite.

Same settings (WAL, `synchronous=NORMAL`, foreign keys, a busy timeout), reads in a
transaction that is rolled back, writes in `BEGIN IMMEDIATE` transactions retried while
the database is locked. Calls from several threads take turns. A forked child closes the
connection it inherited before its first query and opens its own, as the engine does (see
`stepwell.store.sqlite_connections` for why closing is what keeps it safe).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from stepwell.store import sqlite_connections
from stepwell.store.write_retries import (
    BUSY_TIMEOUT_SECONDS,
    WRITE_ATTEMPTS,
    backoff,
    is_retryable,
)

T = TypeVar("T")

# Every DirectConnection of this process, so that a forked child can renew their locks.
_ALL: weakref.WeakSet[DirectConnection] = weakref.WeakSet()


def _connect(path: str) -> sqlite3.Connection:
    connection = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
    )
    connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA synchronous = NORMAL")
    for attempt in range(WRITE_ATTEMPTS):
        try:
            connection.execute("PRAGMA journal_mode=WAL").fetchall()
            break
        except sqlite3.OperationalError as error:
            if attempt == WRITE_ATTEMPTS - 1 or not is_retryable(error):
                connection.close()
                raise
            backoff(attempt)
    return connection


class DirectConnection:
    """The SQLite database at `path` (which must exist), one connection per process."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self._pid = os.getpid()
        self._lock = threading.Lock()
        _ALL.add(self)

    def _current(self) -> sqlite3.Connection:
        sqlite_connections.close_inherited()  # every path's, ours included, before we open
        pid = os.getpid()
        if pid != self._pid:  # forked: the parent's connection is closed; never use it
            self._pid, self._connection = pid, None
        if self._connection is None:
            self._connection = _connect(self.path)
            sqlite_connections.remember(self._connection)
        return self._connection

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """The connection inside a read transaction (one snapshot for all its statements)."""
        with self._lock:
            connection = self._current()
            connection.execute("BEGIN")
            try:
                yield connection
            finally:
                connection.execute("ROLLBACK")

    def write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` in one write transaction, again while the database is locked."""
        with self._lock:
            connection = self._current()
            for attempt in range(WRITE_ATTEMPTS):
                try:
                    connection.execute("BEGIN IMMEDIATE")
                    try:
                        result = work(connection)
                        connection.execute("COMMIT")
                    except BaseException:
                        if connection.in_transaction:
                            connection.execute("ROLLBACK")
                        raise
                    return result
                except sqlite3.OperationalError as error:
                    if attempt == WRITE_ATTEMPTS - 1 or not is_retryable(error):
                        raise
                    backoff(attempt)
            raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        """Close this process's connection (a forked child's inherited one is only dropped
        by `_current`); the next call opens a new one."""
        with self._lock:
            if self._connection is not None and self._pid == os.getpid():
                sqlite_connections.forget(self._connection)
                self._connection.close()
                self._connection = None

    def _renew_lock(self) -> None:
        self._lock = threading.Lock()  # a fork while another thread held it must not hang


def _after_fork_in_child() -> None:
    for connection in list(_ALL):
        connection._renew_lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
