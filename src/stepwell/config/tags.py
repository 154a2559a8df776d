"""`Tag`: a tag with its options, for `@pipeline(tags=[...])`, `add_tags` and the Client.

Lives with the configuration models because a pipeline's configuration holds its tags (plain
names or `Tag`s). Users import it as `stepwell.Tag` or `stepwell.utils.tag_utils.Tag`.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from stepwell.enums import ColorVariants


class Tag(BaseModel):
    """A tag by name, with options that matter when it is first created or attached.

    `exclusive`: the tag is on at most one run of each pipeline, one version of each
    artifact and one snapshot of each pipeline at a time; attaching it somewhere moves it
    there. `cascade` (only in `@pipeline(tags=...)`, `with_options` and YAML): the tag also
    goes on every artifact version the pipeline's runs produce.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    name: str
    color: ColorVariants | None = None
    exclusive: bool | None = None
    cascade: bool | None = None


def tag_name(tag: str | Tag) -> str:
    """The name of a tag given as a name or a `Tag`."""
    return tag.name if isinstance(tag, Tag) else str(tag)
