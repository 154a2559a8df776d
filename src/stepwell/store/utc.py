"""Timestamps as the metadata store keeps them: aware UTC datetimes (layer: store)."""

from __future__ import annotations

from datetime import datetime, timezone

# SQLite's clock as text in the form the store's timestamps are stored in (UTC, microseconds):
# `%f` gives "SS.SSS", three more digits make the microseconds SQLAlchemy writes. Heartbeats
# are stamped with it (see `stepwell.store.sql.clock`).
SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f000', 'now')"


def utc_now() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(timezone.utc)


def as_utc(value: datetime | None) -> datetime | None:
    """`value` as an aware UTC datetime; a naive one is taken to be UTC already."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)
