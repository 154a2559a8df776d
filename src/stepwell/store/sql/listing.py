"""Turn parsed list queries into SQL and fetch one page (layer: store, the SQL side).

The "read" end of the define -> compile -> orchestrate -> launch -> store -> read flow:
`store.filters` parses a list call's filters and sort into `Condition`s and a `SortSpec`;
this module renders them as SQLAlchemy clauses on a `Listing` (a resource's table or join,
its filterable columns and its tag type) and runs two statements: the page, and a count of
every match. Filtering always happens in SQL, so a store of 100,000 runs answers from its
indexes, never by filtering Python lists.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Connection,
    DateTime,
    FromClause,
    Integer,
    Row,
    String,
    Text,
    Uuid,
    and_,
    cast,
    exists,
    func,
    or_,
    select,
)

from stepwell.enums import GenericFilterOps as Op
from stepwell.store.filters import (
    Condition,
    FieldKind,
    FieldSpec,
    SortSpec,
    check_page,
    match_any,
    parse_conditions,
    parse_sort,
    parse_tag_conditions,
)
from stepwell.store.page import Page
from stepwell.store.sql.tables import TAG_RESOURCES, TAGS


def kind_of(column: ColumnElement[Any]) -> FieldKind:
    """The filter kind a column's SQL type implies."""
    sql_type = column.type
    if isinstance(sql_type, Uuid):
        return FieldKind.UUID
    if isinstance(sql_type, Boolean):
        return FieldKind.BOOL
    if isinstance(sql_type, Integer):
        return FieldKind.INT
    if isinstance(getattr(sql_type, "impl", sql_type), DateTime):
        return FieldKind.DATETIME
    if isinstance(sql_type, String | Text):
        return FieldKind.STRING
    raise TypeError(f"Column {column} has no filter kind (type {sql_type}).")


@dataclass(frozen=True)
class Listing:
    """What a list call of one resource selects from and can filter and sort by.

    `columns` maps field names to the column (or SQL expression) each stands for; `specs`
    overrides the kind a column's type implies (enums). `tag_type` is the resource type in
    `tag_resources` (None: the resource has no tags); `tiebreak` orders rows whose sort
    values are equal, so pages never overlap.
    """

    source: FromClause
    selected: Sequence[Any]
    columns: Mapping[str, ColumnElement[Any]]
    id_column: ColumnElement[Any]
    tiebreak: Sequence[ColumnElement[Any]]
    specs: Mapping[str, FieldSpec] = field(default_factory=dict)
    tag_type: str | None = None
    unsortable: frozenset[str] = frozenset()

    def fields(self) -> dict[str, FieldSpec]:
        """Every filterable field with its kind (the tag filters are handled apart)."""
        found = {
            name: FieldSpec(name, kind_of(column), sortable=name not in self.unsortable)
            for name, column in self.columns.items()
        }
        found.update(self.specs)
        return found


def uuid_hex(column: ColumnElement[Any]) -> ColumnElement[str]:
    """A UUID column as lower-case hex without dashes, the same on SQLite and PostgreSQL."""
    return func.lower(func.replace(cast(column, String), "-", "", type_=String))


def condition_clause(column: ColumnElement[Any], spec: FieldSpec, cond: Condition) -> Any:
    """`cond` on `column` as a SQL boolean clause. Text matching ignores case."""
    op, value = cond.op, cond.value
    if op is Op.IS_NULL:
        return column.is_(None)
    if op is Op.IS_NOT_NULL:
        return column.is_not(None)
    if op is Op.IN and spec.kind is FieldKind.DATETIME:
        return column.between(*value)
    if op in (Op.ONEOF, Op.IN):
        return column.in_(value)
    if op is Op.NOT_ONEOF:
        return or_(column.not_in(value), column.is_(None))
    if spec.kind is FieldKind.UUID and op is Op.STARTSWITH:
        return uuid_hex(column).startswith(value, autoescape=True)
    text_ops = {
        Op.CONTAINS: lambda: column.icontains(value, autoescape=True),
        Op.NOT_CONTAINS: lambda: ~column.icontains(value, autoescape=True),
        Op.STARTSWITH: lambda: column.istartswith(value, autoescape=True),
        Op.ENDSWITH: lambda: column.iendswith(value, autoescape=True),
        Op.GT: lambda: column > value,
        Op.GTE: lambda: column >= value,
        Op.LT: lambda: column < value,
        Op.LTE: lambda: column <= value,
        Op.NOT_EQUALS: lambda: or_(column != value, column.is_(None)),
    }
    build = text_ops.get(op)
    return build() if build is not None else column == value


def tag_clause(listing: Listing, cond: Condition) -> Any:
    """The resource carries a tag whose name matches `cond`."""
    assert listing.tag_type is not None
    name_spec = FieldSpec("tags", FieldKind.STRING)
    return exists(
        select(TAG_RESOURCES.c.tag_id)
        .join(TAGS, TAGS.c.id == TAG_RESOURCES.c.tag_id)
        .where(
            TAG_RESOURCES.c.resource_type == listing.tag_type,
            TAG_RESOURCES.c.resource_id == listing.id_column,
            condition_clause(TAGS.c.name, name_spec, cond),
        )
    )


@dataclass(frozen=True)
class ListQuery:
    """A list call's filters, sort and page, parsed and checked against one `Listing`."""

    clauses: tuple[Any, ...]
    sort: SortSpec
    page: int
    size: int
    any_of: bool = False


def build_query(
    listing: Listing,
    filters: Mapping[str, Any],
    *,
    sort_by: str,
    page: int,
    size: int,
    logical_operator: Any = "and",
    descending: bool | None = None,
    tags: Any = None,
    extra: Sequence[Any] = (),
) -> ListQuery:
    """Parse a list call's arguments for `listing` into SQL clauses and a sort.

    `extra` are clauses that always hold (not combined by `logical_operator`): scopes the
    call itself sets, like `named_only` for snapshots.
    """
    fields = listing.fields()
    also = ("tags",) if listing.tag_type else ()
    conditions = parse_conditions(fields, filters, also)
    clauses = [condition_clause(listing.columns[c.field], fields[c.field], c) for c in conditions]
    tag_conditions = parse_tag_conditions(tags)
    if tag_conditions and listing.tag_type is None:
        from stepwell.exceptions import QueryError

        raise QueryError("This resource has no tags to filter by.")
    clauses.extend(tag_clause(listing, cond) for cond in tag_conditions)
    check_page(page, size)
    any_of = match_any(logical_operator)
    combined: list[Any] = list(extra)
    if clauses:
        combined.append(or_(*clauses) if any_of else and_(*clauses))
    return ListQuery(tuple(combined), parse_sort(sort_by, fields, descending), page, size, any_of)


def order_by(listing: Listing, sort: SortSpec) -> list[Any]:
    """ORDER BY terms: the sort field (unknown values last), then the tie-breakers."""
    column = listing.columns[sort.field]
    terms: list[Any] = [column.desc() if sort.descending else column.asc()]
    if getattr(column, "nullable", False):
        terms[0] = terms[0].nulls_last()
    for extra in listing.tiebreak:
        if extra is not column:
            terms.append(extra.desc() if sort.descending else extra.asc())
    return terms


def fetch_page(
    connection: Connection, listing: Listing, query: ListQuery
) -> tuple[list[Row[Any]], int]:
    """The rows of the asked page, and how many rows match in all."""
    statement = (
        select(*listing.selected)
        .select_from(listing.source)
        .where(*query.clauses)
        .order_by(*order_by(listing, query.sort))
        .offset((query.page - 1) * query.size)
        .limit(query.size)
    )
    rows = list(connection.execute(statement).all())
    if query.page == 1 and len(rows) < query.size:
        return rows, len(rows)  # the whole result fits on the first page: no count needed
    counted = select(func.count()).select_from(listing.source).where(*query.clauses)
    return rows, int(connection.scalar(counted) or 0)


T = TypeVar("T")


def each(make: Callable[[Any], T]) -> Callable[[Connection, list[Any]], list[T]]:
    """A page converter that makes one response per row (no further query)."""
    return lambda _connection, rows: [make(row) for row in rows]


def read_page(
    database: Any,
    listing: Listing,
    filters: dict[str, Any],
    sort_by: str,
    page: int,
    size: int,
    logical_operator: Any,
    convert: Callable[[Connection, list[Any]], list[T]],
    tags: Any = None,
    extra: Sequence[Any] = (),
) -> Page[T]:
    """One page of `listing` matching the filters, each row made a response by `convert`
    (inside the read, for conversions that query more), with the total: every list call."""
    query = build_query(
        listing,
        filters,
        sort_by=sort_by,
        page=page,
        size=size,
        logical_operator=logical_operator,
        tags=tags,
        extra=extra,
    )
    with database.read() as connection:
        rows, total = fetch_page(connection, listing, query)
        items = convert(connection, [row._mapping for row in rows])
    return Page.of(items, total=total, index=page, max_size=size)
