"""Parse the filters, sort spec and page of a list call (layer: store; pure, no database).

In the "read" stage of the define -> compile -> orchestrate -> launch -> store -> read flow,
every `Client().list_*` call takes ZenML's query syntax: a field filter is a value or
`"<operator>:<value>"` (`name="contains:train"`, `created="gt:2026-01-01 00:00:00"`,
`status="in:failed,stopped"`), `sort_by` is `"<field>"`, `"asc:<field>"` or `"desc:<field>"`,
and filters combine with `logical_operator` `and` (default) or `or`. This module turns those
raw values into typed `Condition`s and a `SortSpec`, checked against the fields a resource
offers; `store.sql.listing` turns them into SQL. Keeping the two apart lets the parser be
tested without a database and reused by any other store.

Values are typed by the field's kind: datetimes (`%Y-%m-%d %H:%M:%S` as in ZenML, or any ISO
format; naive means UTC), UUIDs (`startswith:` matches an id prefix), enums (checked against
their values), ints and bools. Unknown fields, operators or values fail with a `QueryError`
that lists the valid ones.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum
from typing import Any
from uuid import UUID

from stepwell.config.environment import FALSE_WORDS, TRUE_WORDS
from stepwell.enums import GenericFilterOps, LogicalOperators, SorterOps, StrEnum
from stepwell.exceptions import QueryError

Op = GenericFilterOps


class FieldKind(StrEnum):
    """How a field's filter values are read and which operators apply to it."""

    STRING = "string"
    UUID = "uuid"
    DATETIME = "datetime"
    INT = "int"
    BOOL = "bool"
    ENUM = "enum"


_LISTS = (Op.ONEOF, Op.NOT_ONEOF, Op.IN)
_NULLS = (Op.IS_NULL, Op.IS_NOT_NULL)
_ORDER = (Op.GT, Op.GTE, Op.LT, Op.LTE)
_TEXT = (Op.CONTAINS, Op.NOT_CONTAINS, Op.STARTSWITH, Op.ENDSWITH)
OPERATORS: dict[FieldKind, tuple[Op, ...]] = {
    FieldKind.STRING: (Op.EQUALS, Op.NOT_EQUALS, *_TEXT, *_LISTS, *_NULLS),
    FieldKind.UUID: (Op.EQUALS, Op.NOT_EQUALS, Op.STARTSWITH, *_LISTS, *_NULLS),
    FieldKind.DATETIME: (Op.EQUALS, Op.NOT_EQUALS, *_ORDER, Op.IN, *_NULLS),
    FieldKind.INT: (Op.EQUALS, Op.NOT_EQUALS, *_ORDER, *_LISTS, *_NULLS),
    FieldKind.BOOL: (Op.EQUALS, Op.NOT_EQUALS, *_NULLS),
    FieldKind.ENUM: (Op.EQUALS, Op.NOT_EQUALS, *_LISTS, *_NULLS),
}
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_OPERATOR_WORD = re.compile(r"[a-z]+")
_HEX = re.compile(r"[0-9a-f]+")
# The one rule for booleans, as for environment variables and configuration files.
_TRUE = TRUE_WORDS
_FALSE = FALSE_WORDS


@dataclass(frozen=True)
class FieldSpec:
    """A field a list call filters or sorts by: its kind, and for enums the allowed values."""

    name: str
    kind: FieldKind
    choices: tuple[str, ...] = ()
    sortable: bool = True

    @classmethod
    def enum(cls, name: str, enum: type[Enum], sortable: bool = True) -> FieldSpec:
        return cls(name, FieldKind.ENUM, tuple(str(m.value) for m in enum), sortable)


@dataclass(frozen=True)
class Condition:
    """One parsed filter: `field <op> value`, the value typed by the field's kind.

    `value` is None for `isnull`/`isnotnull`, a tuple for `oneof`/`notoneof`/`in` (for a
    datetime `in`, the (lower, upper) bounds), a lower-case hex prefix for a UUID
    `startswith`, and otherwise one typed value.
    """

    field: str
    op: GenericFilterOps
    value: Any


@dataclass(frozen=True)
class SortSpec:
    """Sort by `field`, descending or not."""

    field: str
    descending: bool


def _known(names: Sequence[Any]) -> str:
    return ", ".join(str(name) for name in names)


def split_operator(raw: str) -> tuple[GenericFilterOps, str]:
    """The operator and value of `"<op>:<value>"`; a value without one means `equals`.

    A colon that starts `::` (artifact names like `pipe::step::output`) or follows anything
    but a lower-case word is part of the value. A lower-case word that is no operator is a
    typo and raises; `equals:` takes a value that really starts with `word:`.
    """
    prefix, colon, rest = raw.partition(":")
    if not colon or rest.startswith(":") or not _OPERATOR_WORD.fullmatch(prefix):
        return Op.EQUALS, raw
    try:
        return Op(prefix), rest
    except ValueError:
        raise QueryError(
            f"Unknown filter operator '{prefix}' in {raw!r}; use one of: "
            f"{_known([op.value for op in Op])} (write 'equals:{raw}' to match the value as is)."
        ) from None


def _as_datetime(field: str, value: Any) -> datetime:
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise QueryError(
                f"Filter {field}={value!r}: not a date and time; write it as "
                f"'{DATETIME_FORMAT}' (e.g. '2026-01-31 18:00:00') or in ISO format."
            ) from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def _as_uuid(field: str, value: Any) -> UUID:
    if isinstance(value, UUID):
        return value
    try:
        return UUID(str(value).strip())
    except ValueError:
        raise QueryError(
            f"Filter {field}={value!r}: not an id; give a full UUID, or 'startswith:<prefix>'."
        ) from None


def _as_int(field: str, value: Any) -> int:
    if isinstance(value, bool):
        raise QueryError(f"Filter {field}={value!r}: expected a whole number.")
    try:
        return int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise QueryError(f"Filter {field}={value!r}: expected a whole number.") from None


def _as_bool(field: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise QueryError(f"Filter {field}={value!r}: expected true or false.")


def _as_choice(spec: FieldSpec, value: Any) -> str:
    text = str(value.value if isinstance(value, Enum) else value).strip()
    for choice in spec.choices:
        if choice.lower() == text.lower():
            return choice
    raise QueryError(
        f"Unknown {spec.name} {text!r} in filter {spec.name}={value!r}; "
        f"use one of: {_known(spec.choices)}."
    )


def _typed(spec: FieldSpec, value: Any) -> Any:
    """One value of `spec`'s kind."""
    if spec.kind is FieldKind.DATETIME:
        return _as_datetime(spec.name, value)
    if spec.kind is FieldKind.UUID:
        return _as_uuid(spec.name, value)
    if spec.kind is FieldKind.INT:
        return _as_int(spec.name, value)
    if spec.kind is FieldKind.BOOL:
        return _as_bool(spec.name, value)
    if spec.kind is FieldKind.ENUM:
        return _as_choice(spec, value)
    return str(value)


def _list_items(spec: FieldSpec, text: str) -> list[str]:
    """The items of a list value: a JSON list (as ZenML writes them) or comma-separated."""
    stripped = text.strip()
    if stripped.startswith("["):
        try:
            items = json.loads(stripped)
        except ValueError:
            raise QueryError(
                f"Filter {spec.name}: {text!r} is not a JSON list; write "
                "'oneof:[\"a\",\"b\"]' or 'in:a,b'."
            ) from None
        if not isinstance(items, list):
            raise QueryError(f"Filter {spec.name}: {text!r} must be a list.")
        return [str(item) for item in items]
    return [item.strip() for item in stripped.split(",") if item.strip()]


def _uuid_prefix(spec: FieldSpec, text: str) -> str:
    prefix = text.replace("-", "").strip().lower()
    if not prefix or not _HEX.fullmatch(prefix):
        raise QueryError(
            f"Filter {spec.name}='startswith:{text}': an id prefix is hexadecimal digits."
        )
    return prefix


def parse_condition(spec: FieldSpec, raw: Any) -> Condition:
    """One filter on `spec`'s field from a raw value (`"gt:5"`, `"failed"`, a datetime, ...)."""
    if isinstance(raw, str) and not isinstance(raw, Enum):
        op, text = split_operator(raw)
    else:
        op, text = Op.EQUALS, raw
    allowed = OPERATORS[spec.kind]
    if op not in allowed:
        raise QueryError(
            f"Operator '{op.value}' does not apply to {spec.name} (a {spec.kind.value} field); "
            f"use one of: {_known([item.value for item in allowed])}."
        )
    if op in _NULLS:
        if text:
            raise QueryError(
                f"Filter {spec.name}='{op.value}:{text}': '{op.value}:' takes no value."
            )
        return Condition(spec.name, op, None)
    if spec.kind is FieldKind.DATETIME and op is Op.IN:
        bounds = str(text).split(",")
        if len(bounds) != 2:
            raise QueryError(
                f"Filter {spec.name}='in:{text}': give two comma-separated times, 'in:<from>,<to>'."
            )
        low, high = (_as_datetime(spec.name, bound) for bound in bounds)
        return Condition(spec.name, op, (low, high))
    if op in _LISTS:
        items = _list_items(spec, str(text))
        if not items:
            raise QueryError(f"Filter {spec.name}='{op.value}:': give at least one value.")
        return Condition(spec.name, op, tuple(_typed(spec, item) for item in items))
    if spec.kind is FieldKind.UUID and op is Op.STARTSWITH:
        return Condition(spec.name, op, _uuid_prefix(spec, str(text)))
    return Condition(spec.name, op, _typed(spec, text))


def parse_conditions(
    fields: Mapping[str, FieldSpec], filters: Mapping[str, Any], also: Sequence[str] = ()
) -> list[Condition]:
    """Conditions for every given filter (None means not given; a list gives one per item).

    An unknown field raises, listing the fields this resource can be filtered by (and the
    filters handled elsewhere, `also`, such as `tags`).
    """
    conditions: list[Condition] = []
    for name, raw in filters.items():
        if raw is None:
            continue
        spec = fields.get(name)
        if spec is None:
            raise QueryError(
                f"Cannot filter by {name!r}; filter by one of: {_known(sorted([*fields, *also]))}."
            )
        values = raw if isinstance(raw, list | tuple | set | frozenset) else [raw]
        conditions.extend(parse_condition(spec, value) for value in values)
    return conditions


def parse_tag_conditions(tags: Any) -> list[Condition]:
    """Conditions on tag names: `tags=["a", "startswith:prod"]` means every one must match."""
    if tags is None:
        return []
    values = [tags] if isinstance(tags, str) else list(tags)
    spec = FieldSpec("tags", FieldKind.STRING)
    return [parse_condition(spec, str(getattr(value, "name", value))) for value in values]


def parse_sort(
    sort_by: str, fields: Mapping[str, FieldSpec], descending: bool | None = None
) -> SortSpec:
    """The sort of `"<field>"`, `"asc:<field>"` or `"desc:<field>"` (bare: ascending).

    `descending`, the keyword stepwell took before it spoke ZenML's syntax, sets the
    direction of a bare field.
    """
    if not isinstance(sort_by, str) or not sort_by.strip():
        raise QueryError(f"sort_by must be a field name like 'desc:created', not {sort_by!r}.")
    direction, colon, name = sort_by.strip().partition(":")
    if not colon:
        direction, name = "", direction
    elif direction not in (SorterOps.ASCENDING.value, SorterOps.DESCENDING.value):
        raise QueryError(
            f"Unknown sort direction '{direction}' in sort_by={sort_by!r}; use 'asc:' or 'desc:'."
        )
    sortable = sorted(key for key, spec in fields.items() if spec.sortable)
    if name not in sortable:
        raise QueryError(f"Cannot sort by {name!r}; sort by one of: {_known(sortable)}.")
    if direction:
        return SortSpec(name, direction == SorterOps.DESCENDING.value)
    return SortSpec(name, bool(descending))


def match_any(logical_operator: LogicalOperators | str) -> bool:
    """True when filters combine with `or`, False for `and`."""
    text = str(getattr(logical_operator, "value", logical_operator)).strip().lower()
    if text not in (LogicalOperators.AND.value, LogicalOperators.OR.value):
        raise QueryError(f"logical_operator must be 'and' or 'or', not {logical_operator!r}.")
    return text == LogicalOperators.OR.value


def check_page(page: int, size: int) -> int:
    """The row offset of 1-based `page` of `size` rows; rejects pages that cannot exist."""
    if isinstance(page, bool) or isinstance(size, bool) or page < 1 or size < 1:
        raise QueryError(f"page must be >= 1 and size >= 1 (got page={page}, size={size}).")
    return (page - 1) * size
