"""A run's (or step run's) duration as a SQL expression, to sort and filter lists by it.

`duration` is a column of `stepwell pipeline runs list`, so `--sort-by desc:duration` must
work: the seconds from `start_time` to `end_time`, computed by the database (an unfinished
run has none and sorts last either way). SQLite stores timestamps as text, so it subtracts
Julian day numbers; PostgreSQL subtracts timestamps and takes the interval's seconds.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class ElapsedSeconds(FunctionElement[int]):
    """Seconds between two timestamp columns (start, end); NULL if either is."""

    type = Integer()
    inherit_cache = True
    name = "elapsed_seconds"
    # `listing.order_by` puts NULLs last for a nullable field: an unfinished run has no end.
    nullable = True


@compiles(ElapsedSeconds)
def _elapsed_default(element: ElapsedSeconds, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"EXTRACT(EPOCH FROM ({end} - {start}))"


@compiles(ElapsedSeconds, "sqlite")
def _elapsed_sqlite(element: ElapsedSeconds, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"((julianday({end}) - julianday({start})) * 86400.0)"


def elapsed_seconds(start: ColumnElement[Any], end: ColumnElement[Any]) -> ColumnElement[int]:
    """The SQL expression for `end - start` in seconds."""
    return ElapsedSeconds(start, end)  # type: ignore[return-value]
