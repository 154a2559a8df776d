"""Tags and metadata as records carry them (layer: store): `TagResponse` and the lazy
`.tags` / `.run_metadata` of runs, step runs, pipelines, artifacts, versions and snapshots.

Both are read on attribute access, one query for the record asked about, never while a list
of records is built: list calls, a run's steps and the cache lookup stay one query each,
whatever the number of records (ZenML, too, fetches them only when a response is hydrated).
Each access reads the store afresh, so tags added after a record was fetched show up.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from stepwell.enums import ColorVariants

if TYPE_CHECKING:
    from stepwell.store.base import Store


class TagResponse(BaseModel):
    """A tag: its name, whether it is exclusive, its color and how many resources carry it.

    A tag compares equal to its name, so `"prod" in run.tags` works as well as
    `[tag.name for tag in run.tags]`.
    """

    model_config = ConfigDict(extra="forbid", defer_build=True)

    id: UUID
    name: str
    exclusive: bool = False
    color: ColorVariants | None = None
    created: datetime
    updated: datetime
    tagged_count: int | None = None

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            return self.name == other
        if isinstance(other, TagResponse):
            return self.id == other.id and self.name == other.name
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        return f"TagResponse(name={self.name!r}, exclusive={self.exclusive})"


class Tagged:
    """`.tags` of a record: the tags on it, by name (mixed into response models)."""

    tag_resource_type: ClassVar[str]
    id: UUID

    if TYPE_CHECKING:

        def _require_store(self) -> Store: ...  # the record class's

    @property
    def tags(self) -> list[TagResponse]:
        """The tags on this record, sorted by name (read from the store on each access)."""
        store = self._require_store()
        return store.get_resource_tags(self.tag_resource_type, [self.id]).get(self.id, [])


class WithMetadata:
    """`.run_metadata` of a record: key -> newest value logged on it (mixed into responses)."""

    metadata_resource_type: ClassVar[str]
    id: UUID

    if TYPE_CHECKING:

        def _require_store(self) -> Store: ...  # the record class's

    def _stored_metadata(self) -> dict[str, Any]:
        """Metadata kept on the record itself (artifact versions made by older releases)."""
        return {}

    @property
    def run_metadata(self) -> dict[str, Any]:
        """Key -> value logged on this record, the newest value of each key winning."""
        store = self._require_store()
        logged = store.get_run_metadata(self.metadata_resource_type, [self.id]).get(self.id, {})
        return {**self._stored_metadata(), **logged}
