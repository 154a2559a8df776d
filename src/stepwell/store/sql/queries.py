"""Shared queries of the metadata store (layer: store): lookups, artifact links and deletion.

Used by `SqlStore` in the "store" and "read" stages of the define -> compile -> orchestrate ->
launch -> store -> read flow. Every function takes an open session and issues a fixed number
of statements, whatever the number of steps or artifacts involved.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import (
    Select,
    String,
    cast,
    delete,
    exists,
    func,
    literal_column,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import InstrumentedAttribute, Session

from stepwell.exceptions import EntityNotFoundError, StoreError
from stepwell.store.base import Store
from stepwell.store.models import ArtifactVersionResponse
from stepwell.store.sql.conversions import ArtifactList, version_response
from stepwell.store.sql.tables import (
    ArtifactTable,
    ArtifactVersionTable,
    PipelineRunTable,
    StepRunInputArtifactTable,
    StepRunOutputArtifactTable,
    StepRunTable,
)

RowT = TypeVar("RowT")
MIN_PREFIX = 4
_HEX = frozenset(string.hexdigits)
_CHUNK = 500
_LINK_TABLES = (StepRunInputArtifactTable, StepRunOutputArtifactTable)


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


def describe(row: Any) -> str:
    """`<id> (<name>)` for an ambiguity message."""
    name = getattr(row, "name", None)
    return f"{row.id} ({name})" if name else str(row.id)


def resolve(
    session: Session,
    table: type[RowT],
    name_or_id: str | UUID,
    kind: str,
    name_column: InstrumentedAttribute[Any] | None = None,
) -> RowT:
    """The row of `table` whose id, name or unique id prefix is `name_or_id`."""
    id_column = table.id  # type: ignore[attr-defined]
    if isinstance(name_or_id, UUID):
        row = session.get(table, name_or_id)
        if row is None:
            raise EntityNotFoundError(f"No {kind} with id {name_or_id} exists.")
        return row
    value = str(name_or_id).strip()
    full_id = parse_uuid(value)
    if full_id is not None:
        row = session.get(table, full_id)
        if row is not None:
            return row
    if name_column is not None:
        rows = session.scalars(select(table).where(name_column == value).limit(11)).all()
        if len(rows) == 1:
            return rows[0]
        if rows:
            listed = ", ".join(describe(row) for row in rows)
            raise StoreError(f"Several {kind}s are named '{value}': {listed}; pass an id.")
    prefix = id_prefix(value)
    if prefix is not None:
        hex_id = func.replace(cast(id_column, String), "-", "", type_=String)
        statement = select(table).where(hex_id.like(f"{prefix}%")).limit(11)
        rows = session.scalars(statement).all()
        if len(rows) == 1:
            return rows[0]
        if rows:
            listed = ", ".join(describe(row) for row in rows)
            raise StoreError(
                f"The id prefix '{value}' matches several {kind}s: {listed}; "
                "give more characters."
            )
    what = "name or id" if name_column is not None else "id"
    raise EntityNotFoundError(f"No {kind} with {what} '{value}' exists.")


def check_page(page: int, size: int) -> int:
    """The row offset of 1-based `page` of `size` rows; rejects pages that cannot exist."""
    if page < 1 or size < 1:
        raise StoreError(f"page must be >= 1 and size >= 1 (got page={page}, size={size}).")
    return (page - 1) * size


def versions_with_names(
    session: Session, ids: Sequence[UUID], store: Store
) -> dict[UUID, ArtifactVersionResponse]:
    """Artifact versions by id, each with its artifact's name; missing ids raise."""
    wanted = set(ids)
    if not wanted:
        return {}
    statement = (
        select(ArtifactVersionTable, ArtifactTable.name)
        .join(ArtifactTable, ArtifactTable.id == ArtifactVersionTable.artifact_id)
        .where(ArtifactVersionTable.id.in_(wanted))
    )
    found = {row.id: version_response(row, name, store) for row, name in session.execute(statement)}
    missing = wanted - found.keys()
    if missing:
        listed = ", ".join(sorted(str(item) for item in missing))
        raise EntityNotFoundError(f"No artifact version with id {listed} exists.")
    return found


def _link_select(link: Any, kind: int, step_filter: Any) -> Select[Any]:
    version = ArtifactVersionTable.__table__.c
    return (
        select(
            literal_column(str(kind)).label("kind"),
            link.step_run_id.label("step_run_id"),
            link.name.label("link_name"),
            link.position.label("position"),
            ArtifactTable.name.label("artifact_name"),
            *version,
        )
        .join(ArtifactVersionTable, ArtifactVersionTable.id == link.artifact_version_id)
        .join(ArtifactTable, ArtifactTable.id == ArtifactVersionTable.artifact_id)
        .where(link.step_run_id.in_(step_filter))
    )


def load_links(
    session: Session, step_filter: Any, store: Store
) -> dict[UUID, tuple[ArtifactList, ArtifactList]]:
    """Inputs and outputs (name -> versions in position order) of the selected step runs.

    `step_filter` is a list of step run ids or a select of them; one query either way.
    """
    statement = union_all(
        _link_select(StepRunInputArtifactTable, 0, step_filter),
        _link_select(StepRunOutputArtifactTable, 1, step_filter),
    ).order_by("step_run_id", "kind", "link_name", "position")
    links: dict[UUID, tuple[ArtifactList, ArtifactList]] = {}
    for row in session.execute(statement):
        entry = links.get(row.step_run_id)
        if entry is None:
            entry = links[row.step_run_id] = ({}, {})
        version = version_response(row, row.artifact_name, store)
        entry[row.kind].setdefault(row.link_name, []).append(version)
    return links


def add_links(
    session: Session,
    link: type[StepRunInputArtifactTable] | type[StepRunOutputArtifactTable],
    step_run_id: UUID,
    artifacts: dict[str, list[UUID]],
    start: dict[str, int] | None = None,
) -> None:
    """Link a step run to artifact versions: name -> ids, positions counting up from `start`."""
    rows = [
        {
            "step_run_id": step_run_id,
            "name": name,
            "position": (start or {}).get(name, 0) + position,
            "artifact_version_id": version_id,
        }
        for name, version_ids in artifacts.items()
        for position, version_id in enumerate(version_ids)
    ]
    if rows:
        session.execute(link.__table__.insert(), rows)


def _run(session: Session, statement: Any) -> None:
    session.execute(statement, execution_options={"synchronize_session": False})


def delete_runs(session: Session, runs: Select[Any]) -> list[str]:
    """Delete the selected runs, their steps and the artifact versions nothing else uses.

    Returns the URIs of the deleted artifact versions, then the step runs' log URIs, so that
    the caller can remove their bytes.
    """
    steps = select(StepRunTable.id).where(StepRunTable.pipeline_run_id.in_(runs))
    logs = session.scalars(
        select(StepRunTable.logs_uri).where(
            StepRunTable.pipeline_run_id.in_(runs), StepRunTable.logs_uri.is_not(None)
        )
    ).all()
    for link in _LINK_TABLES:
        _run(session, delete(link).where(link.step_run_id.in_(steps)))
    version = ArtifactVersionTable
    still_used = union_all(
        *(select(link.artifact_version_id) for link in _LINK_TABLES)
    ).subquery()
    doomed = session.execute(
        select(version.id, version.artifact_id, version.uri).where(
            version.producer_step_run_id.in_(steps),
            version.id.not_in(select(still_used.c.artifact_version_id)),
        )
    ).all()
    for start in range(0, len(doomed), _CHUNK):
        chunk = [row.id for row in doomed[start : start + _CHUNK]]
        _run(session, delete(version).where(version.id.in_(chunk)))
    _run(
        session,
        update(version).where(version.producer_step_run_id.in_(steps)).values(
            producer_step_run_id=None
        )
    )
    _run(
        session,
        update(StepRunTable)
        .where(
            StepRunTable.original_step_run_id.in_(steps),
            StepRunTable.pipeline_run_id.not_in(runs),
        )
        .values(original_step_run_id=None)
    )
    _run(session, delete(StepRunTable).where(StepRunTable.pipeline_run_id.in_(runs)))
    artifact_ids = sorted({row.artifact_id for row in doomed})
    for start in range(0, len(artifact_ids), _CHUNK):
        _run(
            session,
            delete(ArtifactTable).where(
                ArtifactTable.id.in_(artifact_ids[start : start + _CHUNK]),
                ~exists().where(version.artifact_id == ArtifactTable.id),
            ),
        )
    _run(session, delete(PipelineRunTable).where(PipelineRunTable.id.in_(runs)))
    return [row.uri for row in doomed] + [uri for uri in logs if uri]
