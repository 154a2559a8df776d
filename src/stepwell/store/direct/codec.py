"""Column values exactly as `SqlStore` (SQLAlchemy on SQLite) stores them, both ways.

UUIDs are 32 hex digits, timestamps naive UTC text with microseconds, JSON is text (None
as `null`), booleans 0/1. Columns are known by name: the tables of the direct path use one
type per column name, which a test checks against `stepwell.store.sql.tables`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timezone
from typing import Any
from uuid import UUID

from stepwell.store.utc import as_utc

UUID_COLUMNS = frozenset(
    {
        "id",
        "pipeline_id",
        "snapshot_id",
        "stack_id",
        "model_version_id",
        "schedule_id",
        "pipeline_run_id",
        "original_step_run_id",
        "artifact_id",
        "producer_step_run_id",
        "step_run_id",
        "artifact_version_id",
        "component_id",
        "resource_id",
        "publisher_step_run_id",
    }
)
TIME_COLUMNS = frozenset(
    {
        "created",
        "updated",
        "start_time",
        "end_time",
        "heartbeat",
        "stop_requested_at",
        "step_run_end_time",
    }
)
JSON_COLUMNS = frozenset(
    {
        "spec",
        "config",
        "cache_components",
        "run_metadata",
        "visualizations",
        "load_options",
        "configuration",
        "value",
    }
)
BOOL_COLUMNS = frozenset({"is_unlisted", "has_custom_name"})


def encode_time(value: datetime | None) -> str | None:
    """A timestamp as SQLAlchemy writes it to SQLite: naive UTC, always with microseconds."""
    moment = as_utc(value)
    if moment is None:
        return None
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d} "
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}.{moment.microsecond:06d}"
    )


def decode_time(text: str) -> datetime:
    """A stored timestamp as an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def encode_uuid(value: UUID | str | None) -> str | None:
    """A UUID as 32 hex digits (a UUID string is parsed first)."""
    if value is None:
        return None
    return (value if isinstance(value, UUID) else UUID(str(value))).hex


def encode(column: str, value: Any) -> Any:
    """The stored form of `value` in a column called `column`."""
    if column in UUID_COLUMNS:
        return encode_uuid(value)
    if column in TIME_COLUMNS:
        return encode_time(value)
    if column in JSON_COLUMNS:
        return json.dumps(value)  # None is stored as JSON null, as SQLAlchemy's JSON does
    if column in BOOL_COLUMNS:
        return None if value is None else int(bool(value))
    return value


def _decoder(column: str) -> Callable[[Any], Any] | None:
    if column in UUID_COLUMNS:
        return UUID
    if column in TIME_COLUMNS:
        return decode_time
    if column in JSON_COLUMNS:
        return json.loads
    if column in BOOL_COLUMNS:
        return bool
    return None


class RowDecoder:
    """Turns result tuples of one statement into dicts of Python values, by column name."""

    def __init__(self, columns: Iterable[str]) -> None:
        self.columns = tuple(columns)
        self._decoders = tuple(_decoder(column) for column in self.columns)

    def __call__(self, values: Iterable[Any]) -> dict[str, Any]:
        return {
            column: value if decode is None or value is None else decode(value)
            for column, decode, value in zip(self.columns, self._decoders, values, strict=True)
        }


def encode_row(values: Mapping[str, Any], columns: Iterable[str]) -> tuple[Any, ...]:
    """The stored forms of `values` for `columns`, in that order."""
    return tuple(encode(column, values[column]) for column in columns)
