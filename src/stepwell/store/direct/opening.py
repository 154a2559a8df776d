"""When the direct SQLite path applies: an existing SQLite file at the newest schema.

Anything else (a server database, an in-memory or URI-style SQLite URL, a file not made
yet, a schema to migrate, an unreadable file) returns None, and the caller opens a
`SqlStore`, which creates, migrates or reports the problem.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from urllib.parse import unquote

from stepwell.store.direct.connection import DirectConnection
from stepwell.store.direct.store import DirectSqliteStore
from stepwell.store.schema_revision import HEAD_REVISION

_PREFIX = "sqlite:///"


def sqlite_file(url: str) -> str | None:
    """The file path of a plain `sqlite:///path` URL (`%XX` escapes read as SQLAlchemy
    reads them), else None: memory, `file:` URIs and URLs with options are left to
    SQLAlchemy."""
    if not url.startswith(_PREFIX):
        return None
    path = unquote(url[len(_PREFIX) :])
    if "?" in url or not path or path == ":memory:" or path.startswith("file:"):
        return None
    return path


def open_direct(url: str) -> DirectSqliteStore | None:
    """A `DirectSqliteStore` for `url`, or None when `SqlStore` must open it."""
    path = sqlite_file(url)
    if path is None or not os.path.isfile(path):
        return None
    connection = DirectConnection(path)
    try:
        with connection.read() as database:
            revisions = [
                row[0] for row in database.execute("SELECT version_num FROM alembic_version")
            ]
    except sqlite3.Error:
        revisions = []
    if revisions != [HEAD_REVISION]:
        with contextlib.suppress(sqlite3.Error):
            connection.close()
        return None
    return DirectSqliteStore(url, connection)
