"""Every SQLite connection this process opened, whichever path opened it (layer: store).

SQLite keeps its file-lock bookkeeping per process, shared by all connections to a file. A
forked child that opens a connection while inherited ones are still open takes no real locks
for it; another process closing the database may then checkpoint and delete the WAL under
the child, losing its writes. So both the SQLAlchemy engine (`stepwell.store.sql.engine`) and
the direct path (`stepwell.store.direct`) register their connections here and call
`close_inherited()` before opening one: in a new process it closes every inherited
connection first, which resets that bookkeeping and touches nothing of the parent's.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3

# Held strongly: an inherited connection must never be closed by garbage collection at
# some later moment, only here, before the child opens its own.
_OPEN: dict[int, sqlite3.Connection] = {}
_owner = os.getpid()


def remember(connection: sqlite3.Connection) -> None:
    """Register a connection this process just opened."""
    _OPEN[id(connection)] = connection


def forget(connection: sqlite3.Connection) -> None:
    """Unregister a connection being closed."""
    _OPEN.pop(id(connection), None)


def close_inherited() -> None:
    """In a process forked since the connections were opened, close them all (once)."""
    global _owner
    pid = os.getpid()
    if pid == _owner:
        return
    _owner = pid
    inherited = list(_OPEN.values())
    _OPEN.clear()
    for connection in inherited:
        with contextlib.suppress(Exception):
            connection.close()
