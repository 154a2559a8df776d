"""A run's tags from its pipeline's configuration (`@pipeline(tags=...)`, `with_options`,
YAML `tags:`), checked before the run is created and attached right after.

Cascading tags (`Tag(name=..., cascade=True)`) go on the run too; the launcher also puts
them on every artifact version the run produces.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from stepwell.config.tags import Tag, tag_name
from stepwell.exceptions import EntityNotFoundError
from stepwell.store.base import Store
from stepwell.store.tag_rules import check_tag


def _plain(tag: str | Tag) -> str | Tag:
    """`tag` as the run carries it: cascading is a pipeline option, not the tag's."""
    return tag.model_copy(update={"cascade": None}) if isinstance(tag, Tag) else tag


def check_run_tags(store: Store, tags: Sequence[str | Tag]) -> None:
    """Fail before the run exists if one of its tags cannot go on it (exclusive mismatch)."""
    for tag in tags:
        try:
            stored: bool | None = store.get_tag(tag_name(tag)).exclusive
        except EntityNotFoundError:
            stored = None
        check_tag(_plain(tag), stored, "pipeline_run")


def tag_run(store: Store, run_id: UUID, tags: Sequence[str | Tag]) -> None:
    """Put the configured tags on a new run."""
    if tags:
        store.add_tags(
            [_plain(tag) for tag in tags], resource_type="pipeline_run", resource_id=run_id
        )
