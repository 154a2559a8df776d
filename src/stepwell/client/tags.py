"""The Client's tags: create, look up, list, change and delete them (read layer).

Tags are put on and taken off resources with `stepwell.add_tags` / `remove_tags`, or with
`attach_tag` / `detach_tag` here; records show theirs as `.tags`.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from stepwell.client.base import ClientBase
from stepwell.config.tags import Tag
from stepwell.enums import ColorVariants
from stepwell.store.annotations import TagResponse
from stepwell.store.page import Page


class TagsMixin(ClientBase):
    """Tags, as in ZenML's Client."""

    def create_tag(
        self, name: str, exclusive: bool = False, color: ColorVariants | str | None = None
    ) -> TagResponse:
        """A new tag (EntityExistsError if the name is taken). An exclusive tag is on at
        most one run of each pipeline, one version of each artifact and one snapshot of
        each pipeline at a time."""
        return self.store.create_tag(name=name, exclusive=exclusive, color=color)

    def get_tag(
        self, tag_name_or_id: str | UUID, allow_name_prefix_match: bool = True, hydrate: bool = True
    ) -> TagResponse:
        """A tag by name, id or unique id prefix, with how many resources carry it."""
        return self.store.get_tag(tag_name_or_id)

    def list_tags(
        self,
        sort_by: str = "created",
        page: int = 1,
        size: int = 50,
        logical_operator: str = "and",
        resource_type: str | None = None,
        hydrate: bool = False,
        **filters: Any,
    ) -> Page[TagResponse]:
        """A page of tags; filter by `name`, `exclusive`, `color`, `created`, ... (with
        operators such as `name="contains:prod"`) and by the `resource_type` they are on."""
        return self.store.list_tags(
            sort_by=sort_by,
            page=page,
            size=size,
            logical_operator=logical_operator,
            resource_type=resource_type,
            **filters,
        )

    def update_tag(
        self,
        tag_name_or_id: str | UUID,
        name: str | None = None,
        exclusive: bool | None = None,
        color: ColorVariants | str | None = None,
    ) -> TagResponse:
        """Rename, recolor, or make a tag (non-)exclusive."""
        tag = self.get_tag(tag_name_or_id)
        return self.store.update_tag(tag.id, name=name, exclusive=exclusive, color=color)

    def delete_tag(self, tag_name_or_id: str | UUID) -> None:
        """Delete a tag; it leaves every resource it was on."""
        self.store.delete_tag(self.get_tag(tag_name_or_id).id)

    def attach_tag(self, tag: str | Tag, resources: list[Any]) -> None:
        """Put a tag on resources, each given as a record (a run, an artifact version, ...)
        or as an object with `id` and `type` (a TaggableResourceTypes value)."""
        for resource in resources:
            self.store.add_tags([tag], **_resource(resource))

    def detach_tag(self, tag_name_or_id: str | UUID, resources: list[Any]) -> None:
        """Take a tag off resources (given as for `attach_tag`)."""
        name = self.get_tag(tag_name_or_id).name
        for resource in resources:
            self.store.remove_tags([name], **_resource(resource))


def _resource(resource: Any) -> dict[str, Any]:
    kind = getattr(resource, "tag_resource_type", None) or getattr(resource, "type", None)
    return {"resource_type": str(getattr(kind, "value", kind)), "resource_id": resource.id}
