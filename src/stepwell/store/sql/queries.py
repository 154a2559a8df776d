"""Shared queries of the metadata store (layer: store): lookups, artifact links and deletion.

Used by `SqlStore` in the "store" and "read" stages of the define -> compile -> orchestrate ->
launch -> store -> read flow. Every function takes an open connection and issues a fixed
number of statements, whatever the number of steps or artifacts involved.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Connection,
    Select,
    String,
    Table,
    and_,
    bindparam,
    cast,
    func,
    literal_column,
    or_,
    select,
    union_all,
)

from stepwell.enums import ExecutionStatus
from stepwell.exceptions import EntityNotFoundError, StoreError
from stepwell.store.base import Store
from stepwell.store.models import ArtifactVersionResponse, CacheHit
from stepwell.store.new_rows import link_rows
from stepwell.store.row_conversions import (
    ArtifactList,
    Row,
    cache_hit,
    group_links,
    version_response,
)
from stepwell.store.sql.model_tables import MODEL_VERSIONS, MODELS
from stepwell.store.sql.tables import (
    ARTIFACTS,
    PIPELINES,
    RUNS,
    SNAPSHOTS,
    STACK_COMPONENTS,
    STACKS,
    STEP_INPUTS,
    STEP_OUTPUTS,
    STEP_RUNS,
    VERSIONS,
)

MIN_PREFIX = 4
_HEX = frozenset(string.hexdigits)
_CHUNK = 500
_LINK_TABLES = (STEP_INPUTS, STEP_OUTPUTS)


def parse_uuid(value: str) -> UUID | None:
    """`value` as a UUID if it is one (with or without dashes), else None."""
    try:
        return UUID(value)
    except ValueError:
        return None


def id_prefix(value: str) -> str | None:
    """The lower-case hex prefix `value` stands for, or None if it cannot be an id prefix."""
    cleaned = value.replace("-", "").lower()
    if MIN_PREFIX <= len(cleaned) <= 32 and set(cleaned) <= _HEX:
        return cleaned
    return None


def _listed(rows: Iterable[Row]) -> str:
    return ", ".join(
        f"{row['id']} ({row['name']})" if row.get("name") else str(row["id"]) for row in rows
    )


def _prebuilt(table: Table, column: str, lock: bool = False) -> Select[Any]:
    statement = select(table).where(table.c[column] == bindparam("key"))
    return statement.with_for_update() if lock else statement


# Statements built once: SQLAlchemy then skips building, caching and compiling them per call.
_TABLES = (
    PIPELINES,
    SNAPSHOTS,
    RUNS,
    STEP_RUNS,
    ARTIFACTS,
    VERSIONS,
    STACK_COMPONENTS,
    STACKS,
    MODELS,
    MODEL_VERSIONS,
)
_BY_ID = {table.name: _prebuilt(table, "id") for table in _TABLES}
_BY_ID_LOCKED = {table.name: _prebuilt(table, "id", lock=True) for table in _TABLES}
_BY_NAME = {
    table.name: _prebuilt(table, "name").limit(11) for table in _TABLES if "name" in table.c
}


def by_id(
    connection: Connection, table: Table, item_id: UUID, kind: str, lock: bool = False
) -> Row:
    """The row of `table` with id `item_id` (locked for update when `lock`), or raise."""
    statement = (_BY_ID_LOCKED if lock else _BY_ID)[table.name]
    row = connection.execute(statement, {"key": item_id}).first()
    if row is None:
        raise EntityNotFoundError(f"No {kind} with id {item_id} exists.")
    return row._mapping


def _scoped(statement: Select[Any], scope: ColumnElement[bool] | None) -> Select[Any]:
    return statement if scope is None else statement.where(scope)


def resolve(
    connection: Connection,
    table: Table,
    name_or_id: str | UUID,
    kind: str,
    by_name: bool = True,
    scope: ColumnElement[bool] | None = None,
) -> Row:
    """The row of `table` whose id, name (if `by_name`) or unique id prefix is `name_or_id`.

    `scope`, a condition on `table`, limits every lookup (e.g. to components of one type).
    """
    if isinstance(name_or_id, UUID) and scope is None:
        return by_id(connection, table, name_or_id, kind)
    value = str(name_or_id).strip()
    full_id = parse_uuid(value)
    if full_id is not None:
        row = connection.execute(_scoped(_BY_ID[table.name], scope), {"key": full_id}).first()
        if row is not None:
            return row._mapping
    if by_name:
        statement = _scoped(_BY_NAME[table.name], scope)
        rows = connection.execute(statement, {"key": value}).all()
        if len(rows) == 1:
            return rows[0]._mapping
        if rows:
            listed = _listed(row._mapping for row in rows)
            raise StoreError(f"Several {kind}s are named '{value}': {listed}; pass an id.")
    prefix = id_prefix(value)
    if prefix is not None:
        hex_id = func.replace(cast(table.c.id, String), "-", "", type_=String)
        statement = _scoped(select(table).where(hex_id.like(f"{prefix}%")), scope).limit(11)
        rows = connection.execute(statement).all()
        if len(rows) == 1:
            return rows[0]._mapping
        if rows:
            listed = _listed(row._mapping for row in rows)
            raise StoreError(
                f"The id prefix '{value}' matches several {kind}s: {listed}; give more characters."
            )
    what = "name or id" if by_name else "id"
    raise EntityNotFoundError(f"No {kind} with {what} '{value}' exists.")


def check_page(page: int, size: int) -> int:
    """The row offset of 1-based `page` of `size` rows; rejects pages that cannot exist."""
    if page < 1 or size < 1:
        raise StoreError(f"page must be >= 1 and size >= 1 (got page={page}, size={size}).")
    return (page - 1) * size


_VERSIONS_BY_IDS = (
    select(VERSIONS, ARTIFACTS.c.name.label("artifact_name"))
    .join(ARTIFACTS, ARTIFACTS.c.id == VERSIONS.c.artifact_id)
    .where(VERSIONS.c.id.in_(bindparam("ids", expanding=True)))
)


def versions_with_names(
    connection: Connection, ids: Sequence[UUID], store: Store
) -> dict[UUID, ArtifactVersionResponse]:
    """Artifact versions by id, each with its artifact's name; missing ids raise."""
    wanted = set(ids)
    if not wanted:
        return {}
    found = {
        row.id: version_response(row._mapping, row.artifact_name, store)
        for row in connection.execute(_VERSIONS_BY_IDS, {"ids": list(wanted)})
    }
    missing = wanted - found.keys()
    if missing:
        listed = ", ".join(sorted(str(item) for item in missing))
        raise EntityNotFoundError(f"No artifact version with id {listed} exists.")
    return found


def _link_select(link: Table, kind: int, step_filter: Any) -> Select[Any]:
    return (
        select(
            literal_column(str(kind)).label("kind"),
            link.c.step_run_id.label("step_run_id"),
            link.c.name.label("link_name"),
            link.c.position.label("position"),
            ARTIFACTS.c.name.label("artifact_name"),
            *VERSIONS.c,
        )
        .join(VERSIONS, VERSIONS.c.id == link.c.artifact_version_id)
        .join(ARTIFACTS, ARTIFACTS.c.id == VERSIONS.c.artifact_id)
        .where(link.c.step_run_id.in_(step_filter))
    )


def _links(step_filter: Any) -> CompoundSelect:
    return union_all(
        _link_select(STEP_INPUTS, 0, step_filter),
        _link_select(STEP_OUTPUTS, 1, step_filter),
    ).order_by("step_run_id", "kind", "link_name", "position")


_LINKS_OF_STEPS = _links(bindparam("step_ids", expanding=True))
# A cache hit in one statement: the newest completed step run with a key, joined to its
# outputs (one row per output version; a run without outputs gives one row of NULLs). The
# cache-hit path runs this once per step, so it is one round trip, and reads only what a
# hit reuses.
# A step run's result may be reused when it computed it (completed), or when it reused one
# whose own run has since been deleted (cached, its original gone): its outputs outlived that
# run, and it is the only record left of them.
_REUSABLE = or_(
    STEP_RUNS.c.status == ExecutionStatus.COMPLETED.value,
    and_(
        STEP_RUNS.c.status == ExecutionStatus.CACHED.value,
        STEP_RUNS.c.original_step_run_id.is_(None),
    ),
)
_NEWEST_COMPLETED_WITH_KEY = (
    select(STEP_RUNS.c.id)
    .where(STEP_RUNS.c.cache_key == bindparam("cache_key"), _REUSABLE)
    .order_by(STEP_RUNS.c.created.desc())
    .limit(1)
    .scalar_subquery()
)
_CACHE_HIT = (
    select(
        STEP_RUNS.c.id.label("step_run_id"),
        STEP_RUNS.c.end_time.label("step_run_end_time"),
        STEP_RUNS.c.status.label("step_run_status"),
        STEP_OUTPUTS.c.name.label("link_name"),
        ARTIFACTS.c.name.label("artifact_name"),
        *VERSIONS.c,
    )
    .select_from(
        STEP_RUNS.outerjoin(STEP_OUTPUTS, STEP_OUTPUTS.c.step_run_id == STEP_RUNS.c.id)
        .outerjoin(VERSIONS, VERSIONS.c.id == STEP_OUTPUTS.c.artifact_version_id)
        .outerjoin(ARTIFACTS, ARTIFACTS.c.id == VERSIONS.c.artifact_id)
    )
    .where(STEP_RUNS.c.id == _NEWEST_COMPLETED_WITH_KEY)
    .order_by(STEP_OUTPUTS.c.name, STEP_OUTPUTS.c.position)
)


def load_cache_hit(connection: Connection, store: Store, cache_key: str) -> CacheHit | None:
    """The newest reusable step run with `cache_key`, with its outputs, if there is one."""
    rows = connection.execute(_CACHE_HIT, {"cache_key": cache_key}).all()
    return cache_hit([row._mapping for row in rows], store)


_LINKS_OF_RUN = _links(
    select(STEP_RUNS.c.id).where(STEP_RUNS.c.pipeline_run_id == bindparam("run_id"))
)


def load_links(
    connection: Connection,
    store: Store,
    step_ids: Sequence[UUID] = (),
    run_id: UUID | None = None,
) -> dict[UUID, tuple[ArtifactList, ArtifactList]]:
    """Inputs and outputs (name -> versions in position order) of some step runs, by id.

    Give the step runs' ids, or `run_id` for every step run of a run; one query either way.
    """
    if run_id is not None:
        result = connection.execute(_LINKS_OF_RUN, {"run_id": run_id})
    else:
        result = connection.execute(_LINKS_OF_STEPS, {"step_ids": list(step_ids)})
    return group_links((row._mapping for row in result), store)


def add_links(
    connection: Connection,
    link: Table,
    step_run_id: UUID,
    artifacts: dict[str, list[UUID]],
    start: dict[str, int] | None = None,
) -> None:
    """Link a step run to artifact versions: name -> ids, positions counting up from `start`."""
    rows = link_rows(step_run_id, artifacts, start)
    if rows:
        connection.execute(link.insert(), rows)
