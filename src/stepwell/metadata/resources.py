"""`RunMetadataResource`: names one resource that metadata goes on, as in ZenML.

`Client().create_run_metadata(metadata, resources=[RunMetadataResource(id=..., type=...)])`
logs the same values on each resource named. Plain data; imports nothing heavy.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from stepwell.enums import MetadataResourceTypes


@dataclass(frozen=True)
class RunMetadataResource:
    """A run, step run, artifact version or model version, by id and type."""

    id: UUID
    type: MetadataResourceTypes

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", UUID(str(self.id)))
        try:
            object.__setattr__(self, "type", MetadataResourceTypes(self.type))
        except ValueError:
            known = ", ".join(kind.value for kind in MetadataResourceTypes)
            raise ValueError(
                f"Metadata cannot go on a {self.type!r}; the resource types are: {known}."
            ) from None


__all__ = ["RunMetadataResource"]
