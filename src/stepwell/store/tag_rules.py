"""The rules a tag follows, and the errors that explain them (layer: store; pure).

Checked by the store when tags are attached, and by `add_tags` inside a step when it asks
for tags (so that the step, not the later write, fails on a bad request).
"""

from __future__ import annotations

from stepwell.config.tags import Tag
from stepwell.exceptions import TagError

# Resource types an exclusive tag may be on (one per pipeline, artifact or pipeline).
EXCLUSIVE_TYPES = frozenset({"pipeline_run", "artifact_version", "pipeline_snapshot"})


def cascade_error(name: str) -> TagError:
    return TagError(
        f"Tag '{name}' has cascade set; cascading tags only work in @pipeline(tags=[...]), "
        "with_options(tags=[...]) or a YAML run configuration."
    )


def mismatch_error(name: str, stored_exclusive: bool) -> TagError:
    kind = "an exclusive" if stored_exclusive else "a non-exclusive"
    return TagError(
        f"Tag '{name}' already exists as {kind} tag; update it first "
        f"(Client().update_tag('{name}', exclusive={not stored_exclusive})) or pass "
        f"Tag(name='{name}', exclusive={stored_exclusive})."
    )


def not_exclusive_here(name: str, resource_type: str) -> TagError:
    return TagError(
        f"Tag '{name}' is exclusive, and exclusive tags can only be on runs, artifact "
        f"versions and snapshots, not on a {resource_type.replace('_', ' ')}. Use another "
        f"tag, or make it non-exclusive: Client().update_tag('{name}', exclusive=False)."
    )


def check_tag(tag: str | Tag, stored_exclusive: bool | None, resource_type: str) -> None:
    """TagError if `tag` cannot go on a resource of `resource_type` (`stored_exclusive`: the
    stored tag's setting, None if the tag does not exist yet)."""
    if not isinstance(tag, Tag):
        if stored_exclusive and resource_type not in EXCLUSIVE_TYPES:
            raise not_exclusive_here(tag, resource_type)
        return
    if tag.cascade is not None:
        raise cascade_error(tag.name)
    if stored_exclusive is not None and bool(tag.exclusive) != stored_exclusive:
        raise mismatch_error(tag.name, stored_exclusive)
    exclusive = stored_exclusive if stored_exclusive is not None else bool(tag.exclusive)
    if exclusive and resource_type not in EXCLUSIVE_TYPES:
        raise not_exclusive_here(tag.name, resource_type)
