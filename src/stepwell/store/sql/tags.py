"""Tags in the SQL metadata store (layer: store): create, look up, list, change, delete.

Tags go on resources through `tag_links`; this is the `SqlStore` part the Client's tag calls
use. A tag can become exclusive only where exclusive tags may be, one per scope.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, delete, func, select, update

from stepwell.config.tags import Tag
from stepwell.enums import ColorVariants
from stepwell.exceptions import EntityExistsError, EntityNotFoundError, TagError
from stepwell.store.annotations import TagResponse
from stepwell.store.filters import FieldSpec
from stepwell.store.page import Page
from stepwell.store.row_conversions import Row, as_uuid
from stepwell.store.sql.common import SqlStoreBase, write_new_version
from stepwell.store.sql.listing import Listing, each, read_page
from stepwell.store.sql.tables import TAG_RESOURCES, TAGS, utc_now
from stepwell.store.sql.tag_links import (
    EXCLUSIVE_SCOPES,
    attach_tags,
    check_resource_type,
    detach_tags,
    find_tag,
    insert_tag,
    load_resource_tags,
    tag_response,
)

TAG_LISTING = Listing(
    source=TAGS,
    selected=[TAGS],
    columns={
        name: TAGS.c[name] for name in ("id", "name", "exclusive", "color", "created", "updated")
    },
    id_column=TAGS.c.id,
    tiebreak=[TAGS.c.created, TAGS.c.name],
    specs={"color": FieldSpec.enum("color", ColorVariants)},
)


def _tagged_count(connection: Connection, tag_id: UUID) -> int:
    count = select(func.count()).where(TAG_RESOURCES.c.tag_id == tag_id)
    return int(connection.scalar(count) or 0)


class TagMethods(SqlStoreBase):
    """The tag part of `SqlStore`."""

    def create_tag(
        self, *, name: str, exclusive: bool = False, color: ColorVariants | str | None = None
    ) -> TagResponse:
        """A new tag; EntityExistsError if the name is taken."""

        def work(connection: Connection) -> Row:
            if connection.scalar(select(TAGS.c.id).where(TAGS.c.name == name)) is not None:
                raise EntityExistsError(f"A tag named '{name}' already exists.")
            return insert_tag(connection, name, exclusive, color)

        return tag_response(write_new_version(self._db, work, f"create tag '{name}'"), 0)

    def get_tag(self, name_or_id: str | UUID) -> TagResponse:
        """A tag by name, id or unique id prefix, with how many resources carry it."""
        with self._db.read() as connection:
            row = find_tag(connection, name_or_id)
            if row is None:
                raise EntityNotFoundError(f"No tag with name or id '{name_or_id}' exists.")
            return tag_response(row, _tagged_count(connection, row["id"]))

    def list_tags(
        self,
        *,
        sort_by: str = "created",
        page: int = 1,
        size: int = 50,
        logical_operator: Any = "and",
        resource_type: str | None = None,
        **filters: Any,
    ) -> Page[TagResponse]:
        """One page of tags, filtered as other list calls are (`name="contains:prod"`,
        `exclusive=True`, ...); `resource_type` keeps tags on at least one such resource."""
        extra = []
        if resource_type is not None:
            on_type = select(TAG_RESOURCES.c.tag_id).where(
                TAG_RESOURCES.c.resource_type == check_resource_type(str(resource_type))
            )
            extra.append(TAGS.c.id.in_(on_type))
        return read_page(
            self._db,
            TAG_LISTING,
            filters,
            sort_by,
            page,
            size,
            logical_operator,
            each(tag_response),
            extra=extra,
        )

    def update_tag(
        self,
        tag_id: UUID,
        *,
        name: str | None = None,
        exclusive: bool | None = None,
        color: ColorVariants | str | None = None,
    ) -> TagResponse:
        """Rename a tag, recolor it or change whether it is exclusive (which it can become
        only if it is on runs, versions and snapshots, at most one per scope)."""

        def work(connection: Connection) -> Row:
            row = connection.execute(select(TAGS).where(TAGS.c.id == as_uuid(tag_id))).first()
            if row is None:
                raise EntityNotFoundError(f"No tag with id {tag_id} exists.")
            values: dict[str, Any] = {"updated": utc_now()}
            if name is not None and name != row.name:
                taken = connection.scalar(select(TAGS.c.id).where(TAGS.c.name == name))
                if taken is not None:
                    raise EntityExistsError(f"A tag named '{name}' already exists.")
                values["name"] = name
            if color is not None:
                values["color"] = ColorVariants(color).value
            if exclusive is not None:
                if exclusive and not row.exclusive:
                    _check_can_be_exclusive(connection, row._mapping)
                values["exclusive"] = bool(exclusive)
            connection.execute(update(TAGS).where(TAGS.c.id == row.id).values(values))
            return {**row._mapping, **values}

        return tag_response(write_new_version(self._db, work, f"update tag {tag_id}"))

    def delete_tag(self, tag_id: UUID) -> None:
        """Delete a tag and take it off everything it is on."""

        def work(connection: Connection) -> None:
            found = connection.scalar(select(TAGS.c.id).where(TAGS.c.id == as_uuid(tag_id)))
            if found is None:
                raise EntityNotFoundError(f"No tag with id {tag_id} exists.")
            connection.execute(delete(TAG_RESOURCES).where(TAG_RESOURCES.c.tag_id == found))
            connection.execute(delete(TAGS).where(TAGS.c.id == found))

        self._db.write(work)

    def add_tags(self, tags: Sequence[str | Tag], *, resource_type: str, resource_id: UUID) -> None:
        """Put tags on a resource, creating unknown ones (see `attach_tags`)."""
        check_resource_type(str(resource_type))

        def work(connection: Connection) -> None:
            attach_tags(connection, tags, str(resource_type), as_uuid(resource_id))

        write_new_version(self._db, work, f"tag {resource_type} {resource_id}")

    def remove_tags(
        self, tags: Sequence[str | Tag], *, resource_type: str, resource_id: UUID
    ) -> None:
        """Take tags off a resource; unknown tags and tags not on it are ignored."""
        check_resource_type(str(resource_type))
        self._db.write(
            lambda connection: detach_tags(
                connection, tags, str(resource_type), as_uuid(resource_id)
            )
        )

    def get_resource_tags(
        self, resource_type: str, resource_ids: Sequence[UUID]
    ) -> dict[UUID, list[TagResponse]]:
        """The tags on each resource, by id, sorted by name; one query."""
        with self._db.read() as connection:
            return load_resource_tags(
                connection, check_resource_type(str(resource_type)), resource_ids
            )


def _check_can_be_exclusive(connection: Connection, tag: Row) -> None:
    """TagError unless every resource the tag is on allows an exclusive tag, one per scope."""
    types = set(
        connection.scalars(
            select(TAG_RESOURCES.c.resource_type).where(TAG_RESOURCES.c.tag_id == tag["id"])
        )
    )
    others = sorted(types - set(EXCLUSIVE_SCOPES))
    if others:
        raise TagError(
            f"Tag '{tag['name']}' cannot become exclusive: it is on {', '.join(others)} "
            "resources, and exclusive tags can only be on runs, artifact versions and "
            "snapshots. Remove it from those first."
        )
    for resource_type, scope in EXCLUSIVE_SCOPES.items():
        table = scope.table
        crowded = connection.execute(
            select(scope, func.count())
            .select_from(TAG_RESOURCES.join(table, table.c.id == TAG_RESOURCES.c.resource_id))
            .where(
                TAG_RESOURCES.c.tag_id == tag["id"],
                TAG_RESOURCES.c.resource_type == resource_type,
                scope.is_not(None),
            )
            .group_by(scope)
            .having(func.count() > 1)
        ).first()
        if crowded is not None:
            where = "pipeline" if resource_type != "artifact_version" else "artifact"
            raise TagError(
                f"Tag '{tag['name']}' cannot become exclusive: it is on {crowded[1]} "
                f"{resource_type.replace('_', ' ')}s of the same {where} ({crowded[0]}). "
                "Remove it from all but one first."
            )
