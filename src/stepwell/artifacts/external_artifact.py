"""`ExternalArtifact`: a value from outside the pipeline, passed to a step as an input.

Plain data at definition time. When the pipeline is run the value is saved once, before any
step starts, and the step reads it like any upstream artifact. Saving is content-addressed:
the same value (same bytes through the same materializer) saved twice is one artifact
version, so re-running a pipeline with the same external value reuses it and keeps caching.
`ExternalArtifact(id=...)` points at an artifact version that already exists instead.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID


class ExternalArtifact:
    """A step input given by value (`value=`) or by an existing version's id (`id=`)."""

    def __init__(
        self,
        *,
        value: Any = None,
        id: UUID | str | None = None,
        materializer: Any = None,
        store_artifact_metadata: bool = True,
        store_artifact_visualizations: bool = True,
    ) -> None:
        if id is not None and value is not None:
            raise ValueError(
                "ExternalArtifact takes either value=... (saved when the run starts) or id=... "
                "(an artifact version that exists), not both."
            )
        if id is None and value is None:
            raise ValueError(
                "ExternalArtifact needs value=... (the object to pass to the step) or id=... "
                "(the id of an existing artifact version)."
            )
        self.value = value
        self.id = UUID(str(id)) if id is not None else None
        self.materializer = materializer
        self.store_artifact_metadata = store_artifact_metadata
        self.store_artifact_visualizations = store_artifact_visualizations

    def __repr__(self) -> str:
        if self.id is not None:
            return f"ExternalArtifact(id={self.id})"
        return f"ExternalArtifact(value={type(self.value).__name__})"


__all__ = ["ExternalArtifact"]
