"""The database's clock, as a SQL expression (layer: store).

Liveness of a run (see `stepwell.store.liveness`) compares the time of its last heartbeat
with "now". On a store shared by several machines, each machine's own clock may be off by
seconds or more, so both sides take the time from one place: the database. A heartbeat is
written as `heartbeat = <database now>` and a dead-run check asks the database for its time.

On PostgreSQL (and other servers) that is `CURRENT_TIMESTAMP`, the start of the current
transaction: a check that waited for a lock sees an earlier "now", which can only make a run
look more alive, never less. SQLite has no server: its clock is the clock of the process that
runs the statement, read with millisecond precision (`CURRENT_TIMESTAMP` there has whole
seconds only), and written in the same text form the `UTCDateTime` columns use, so stored
values compare and parse alike.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from stepwell.store.sql.tables import UTCDateTime
from stepwell.store.utc import SQLITE_NOW


class database_now(FunctionElement[datetime]):  # named like the SQL functions it stands for
    """The database's current time in UTC, read back as an aware datetime."""

    type = UTCDateTime()
    inherit_cache = True


@compiles(database_now)
def _default_now(element: database_now, compiler: SQLCompiler, **kw: Any) -> str:
    return "CURRENT_TIMESTAMP"


@compiles(database_now, "sqlite")
def _sqlite_now(element: database_now, compiler: SQLCompiler, **kw: Any) -> str:
    # No bound parameters here: the text is the same for every statement, and qmark-style
    # SQLite needs no escaping of `%`.
    return SQLITE_NOW


_SELECT_NOW = select(database_now())


def read_database_time(connection: Connection) -> datetime:
    """The database's current time (aware, UTC), read on `connection`."""
    value = connection.scalar(_SELECT_NOW)
    if value is None:  # pragma: no cover - every supported database answers
        raise RuntimeError("The database did not report its current time.")
    return value
