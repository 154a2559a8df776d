"""What every part of the SQL metadata store shares (layer: store): base class, status rules.

Also the translation of database errors into stepwell's. Used by the "store" stage of the
define -> compile -> orchestrate -> launch -> store -> read flow; `SqlStore` is assembled
from `SqlStoreBase` subclasses, one per group of entities.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar, cast

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from stepwell.exceptions import StoreError
from stepwell.store.sql.engine import WRITE_ATTEMPTS, Database, backoff

if TYPE_CHECKING:
    from stepwell.store.base import Store


class SqlStoreBase:
    """What every part of `SqlStore` relies on: the store URL and its database."""

    url: str
    _db: Database
    # The store that handed this one its calls (`stepwell.store.direct`), if any: responses
    # bind to the store their caller holds.
    _bind_responses_to: Store | None = None

    def _store(self) -> Store:
        """The `Store` responses are bound to: this object (the assembled SqlStore), or the
        store that hands it calls."""
        return self._bind_responses_to or cast("Store", self)


def is_unique_violation(error: IntegrityError) -> bool:
    """Whether an IntegrityError comes from a unique constraint (not a foreign key or NULL).

    PostgreSQL drivers say so by SQLSTATE 23505 (psycopg's `UniqueViolation`), whichever
    statement raised it, COMMIT included; SQLite only in the message."""
    code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    if code:
        return str(code) == "23505"
    text = str(error.orig).lower()
    return "unique" in text or "duplicate key" in text


def integrity_error(action: str, error: IntegrityError) -> StoreError:
    """A StoreError saying which action broke which constraint."""
    return StoreError(f"Cannot {action}: {error.orig}")


T = TypeVar("T")


def write_new_version(db: Database, work: Callable[[Connection], T], action: str) -> T:
    """Run `work` in a write transaction, again when a concurrent writer took the same next
    version number (a unique violation) first; any other integrity error names `action`."""
    for attempt in range(WRITE_ATTEMPTS):
        try:
            return db.write(work)
        except IntegrityError as error:
            if attempt == WRITE_ATTEMPTS - 1 or not is_unique_violation(error):
                raise integrity_error(action, error) from error
            backoff(attempt)
    raise AssertionError("unreachable")  # pragma: no cover
