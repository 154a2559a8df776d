"""Reading and writing rows on a `sqlite3` connection, in the forms `codec` defines."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from stepwell.store.direct import statements as sql
from stepwell.store.direct.codec import RowDecoder, encode_row


def read_rows(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    """Every row of a query, as column name -> Python value."""
    decode = RowDecoder(column[0] for column in cursor.description)
    return [decode(values) for values in cursor.fetchall()]


def read_first(cursor: sqlite3.Cursor) -> dict[str, Any] | None:
    """The first row of a query, or None."""
    rows = read_rows(cursor)
    return rows[0] if rows else None


def insert_rows(connection: sqlite3.Connection, table: str, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (all with the same columns) into `table` in one batch."""
    if not rows:
        return
    columns = tuple(rows[0])
    statement = sql.insert(table, columns)
    connection.executemany(statement, [encode_row(row, columns) for row in rows])


def by_id_or_name(name_or_id: str | UUID, by_id: str, by_name: str) -> tuple[str, str]:
    """The statement and key that find `name_or_id`: by id when it reads as a whole UUID
    (`SqlStore` tries ids before names), else by name. Id prefixes are `SqlStore`'s."""
    text = str(name_or_id).strip()
    try:
        return by_id, UUID(text).hex
    except ValueError:
        return by_name, text
