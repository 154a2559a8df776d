"""Tag links in the SQL metadata store (layer: store): putting tags on resources and off.

A tag is on a run, pipeline, artifact, artifact version or snapshot through a `tag_resources`
row. An exclusive tag is on at most one run of each pipeline, one version of each artifact
and one snapshot of each pipeline: attaching it moves it (as in ZenML). Attaching a tag by
name creates it on first use. Every function works inside the caller's transaction, so what
a step logged is written in one transaction by the orchestrating process.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Connection, String, Table, cast, delete, func, select

from stepwell.config.tags import Tag, tag_name
from stepwell.enums import ColorVariants, TaggableResourceTypes
from stepwell.exceptions import StoreError, TagError
from stepwell.store.annotations import TagResponse
from stepwell.store.row_conversions import Row, as_uuid
from stepwell.store.sql.model_tables import MODEL_VERSIONS, MODELS
from stepwell.store.sql.queries import by_id, id_prefix, parse_uuid
from stepwell.store.sql.tables import (
    ARTIFACTS,
    PIPELINES,
    RUNS,
    SNAPSHOTS,
    TAG_RESOURCES,
    TAGS,
    VERSIONS,
    utc_now,
)
from stepwell.store.tag_rules import cascade_error, mismatch_error, not_exclusive_here

_T = TaggableResourceTypes
# Resource type -> its table and what to call it in messages.
RESOURCE_TABLES: dict[str, tuple[Table, str]] = {
    _T.PIPELINE_RUN.value: (RUNS, "run"),
    _T.PIPELINE.value: (PIPELINES, "pipeline"),
    _T.ARTIFACT.value: (ARTIFACTS, "artifact"),
    _T.ARTIFACT_VERSION.value: (VERSIONS, "artifact version"),
    _T.PIPELINE_SNAPSHOT.value: (SNAPSHOTS, "snapshot"),
    _T.MODEL.value: (MODELS, "model"),
    _T.MODEL_VERSION.value: (MODEL_VERSIONS, "model version"),
}
# Where an exclusive tag may be, and the column whose value it is unique within.
EXCLUSIVE_SCOPES: dict[str, Any] = {
    _T.PIPELINE_RUN.value: RUNS.c.pipeline_id,
    _T.ARTIFACT_VERSION.value: VERSIONS.c.artifact_id,
    _T.PIPELINE_SNAPSHOT.value: SNAPSHOTS.c.pipeline_id,
}


def check_resource_type(resource_type: str) -> str:
    """`resource_type` if tags can be on it; otherwise TagError listing those that can."""
    if resource_type not in RESOURCE_TABLES:
        known = ", ".join(RESOURCE_TABLES)
        raise TagError(f"Tags cannot be on a {resource_type!r}; they can be on: {known}.")
    return resource_type


def tag_response(row: Row, tagged_count: int | None = None) -> TagResponse:
    """The response for a `tags` row."""
    return TagResponse.model_construct(
        id=row["id"],
        name=row["name"],
        exclusive=bool(row["exclusive"]),
        color=ColorVariants(row["color"]) if row["color"] else None,
        created=row["created"],
        updated=row["updated"],
        tagged_count=tagged_count,
    )


def find_tag(connection: Connection, name_or_id: str | UUID) -> Row | None:
    """The tag with this id, name or unique id prefix, if there is one."""
    if isinstance(name_or_id, UUID) or parse_uuid(str(name_or_id)) is not None:
        row = connection.execute(select(TAGS).where(TAGS.c.id == as_uuid(name_or_id))).first()
        if row is not None:
            return row._mapping
    value = str(name_or_id)
    row = connection.execute(select(TAGS).where(TAGS.c.name == value)).first()
    if row is not None:
        return row._mapping
    prefix = id_prefix(value)
    if prefix is None:
        return None
    hex_id = func.replace(cast(TAGS.c.id, String), "-", "", type_=String)
    rows = connection.execute(select(TAGS).where(hex_id.like(f"{prefix}%")).limit(2)).all()
    if len(rows) > 1:
        raise StoreError(f"The id prefix '{value}' matches several tags; give more characters.")
    return rows[0]._mapping if rows else None


def insert_tag(
    connection: Connection, name: str, exclusive: bool, color: ColorVariants | str | None
) -> Row:
    now = utc_now()
    values = {
        "id": uuid4(),
        "name": name,
        "exclusive": exclusive,
        "color": ColorVariants(color).value if color else random.choice(list(ColorVariants)).value,
        "created": now,
        "updated": now,
    }
    connection.execute(TAGS.insert(), values)
    return values


def ensure_tags(connection: Connection, tags: Sequence[str | Tag], strict: bool) -> list[Row]:
    """The rows of these tags, created on first use. With `strict`, a `Tag` whose exclusive
    setting differs from the stored tag's, or a cascading `Tag`, raises TagError."""
    rows = []
    for tag in tags:
        if strict and isinstance(tag, Tag) and tag.cascade is not None:
            raise cascade_error(tag.name)
        name = tag_name(tag)
        row = connection.execute(select(TAGS).where(TAGS.c.name == name)).first()
        if row is None:
            exclusive = bool(tag.exclusive) if isinstance(tag, Tag) else False
            color = tag.color if isinstance(tag, Tag) else None
            rows.append(insert_tag(connection, name, exclusive, color))
            continue
        if strict and isinstance(tag, Tag) and bool(tag.exclusive) != row.exclusive:
            raise mismatch_error(tag.name, bool(row.exclusive))
        rows.append(row._mapping)
    return rows


def attach_tags(
    connection: Connection,
    tags: Sequence[str | Tag],
    resource_type: str,
    resource_id: UUID,
    strict: bool = True,
) -> None:
    """Put `tags` on one resource (which must exist); an exclusive tag leaves the others of
    its scope. Tags already on the resource stay as they are."""
    check_resource_type(resource_type)
    table, kind = RESOURCE_TABLES[resource_type]
    resource = by_id(connection, table, resource_id, kind)
    rows = ensure_tags(connection, tags, strict)
    present = set(
        connection.scalars(
            select(TAG_RESOURCES.c.tag_id).where(
                TAG_RESOURCES.c.resource_type == resource_type,
                TAG_RESOURCES.c.resource_id == resource_id,
            )
        )
    )
    now = utc_now()
    for row in rows:
        if row["exclusive"]:
            _make_room(connection, row, resource_type, resource)
        if row["id"] in present:
            continue
        present.add(row["id"])
        connection.execute(
            TAG_RESOURCES.insert(),
            {
                "tag_id": row["id"],
                "resource_type": resource_type,
                "resource_id": resource_id,
                "created": now,
            },
        )


def _make_room(connection: Connection, tag: Row, resource_type: str, resource: Row) -> None:
    """Take exclusive `tag` off the other resources of `resource`'s scope."""
    scope = EXCLUSIVE_SCOPES.get(resource_type)
    if scope is None:
        raise not_exclusive_here(tag["name"], resource_type)
    scope_value = resource[scope.name]
    if scope_value is None:  # an unlisted run belongs to no pipeline: nothing to share with
        return
    same_scope = select(scope.table.c.id).where(scope == scope_value)
    connection.execute(
        delete(TAG_RESOURCES).where(
            TAG_RESOURCES.c.tag_id == tag["id"],
            TAG_RESOURCES.c.resource_type == resource_type,
            TAG_RESOURCES.c.resource_id != resource["id"],
            TAG_RESOURCES.c.resource_id.in_(same_scope),
        )
    )


def detach_tags(
    connection: Connection, names: Sequence[str | Tag], resource_type: str, resource_id: UUID
) -> None:
    """Take tags off a resource; unknown tags and tags not on it are ignored."""
    check_resource_type(resource_type)
    wanted = [tag_name(name) for name in names]
    if not wanted:
        return
    tag_ids = select(TAGS.c.id).where(TAGS.c.name.in_(wanted))
    connection.execute(
        delete(TAG_RESOURCES).where(
            TAG_RESOURCES.c.resource_type == resource_type,
            TAG_RESOURCES.c.resource_id == resource_id,
            TAG_RESOURCES.c.tag_id.in_(tag_ids),
        )
    )


def load_resource_tags(
    connection: Connection, resource_type: str, ids: Sequence[UUID]
) -> dict[UUID, list[TagResponse]]:
    """The tags on each resource, sorted by name; one query."""
    if not ids:
        return {}
    statement = (
        select(TAG_RESOURCES.c.resource_id, TAGS)
        .join(TAGS, TAGS.c.id == TAG_RESOURCES.c.tag_id)
        .where(
            TAG_RESOURCES.c.resource_type == resource_type,
            TAG_RESOURCES.c.resource_id.in_(list(ids)),
        )
        .order_by(TAGS.c.name)
    )
    result: dict[UUID, list[TagResponse]] = {}
    for row in connection.execute(statement):
        result.setdefault(row.resource_id, []).append(tag_response(row._mapping))
    return result
