"""The seam between `Model` (a plain configuration object) and the store (model layer).

`Model` sits at the bottom of the layers, because pipeline and step configurations hold it,
yet its methods (`number`, `set_stage`, `load_artifact`, ...) read and write model versions.
So, as the define layer does for running pipelines (`steps/runtime.py`), it asks a
`ModelPlane` for that, and `stepwell/__init__.py` installs a loader that makes the real one
(`stepwell.client.model_plane`) on first use. Tests may install another with `using_plane`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol
from uuid import UUID

from stepwell.utils.seam import Seam


class ModelPlane(Protocol):
    """What a `Model` asks of the model control plane."""

    def defining_pipeline(self) -> bool:
        """Whether a pipeline function is being compiled here (artifacts resolve lazily)."""

    def step_model(self) -> Any:
        """The running step's `Model` (bound to its version), or None."""

    def version_of(self, model: Any) -> Any:
        """The model version `model` stands for, found or (for a new one) created."""

    def version_by_id(self, version_id: UUID) -> Any:
        """A model version record by id."""

    def set_stage(self, version_id: UUID, stage: str, force: bool) -> None:
        """Move a version to a stage (inside a step: checked now, written with its outputs)."""

    def log_metadata(self, version_id: UUID, metadata: Mapping[str, Any]) -> None:
        """Log metadata on a version (inside a step: written with its outputs)."""

    def link_artifacts(self, version_id: UUID, artifact_version_ids: Sequence[UUID]) -> None:
        """Link artifact versions to a version (inside a step: written with its outputs)."""

    def unlink_artifacts(
        self, version_id: UUID, artifact_version_ids: Sequence[UUID] | None
    ) -> None:
        """Take artifact versions (None: all) off a version."""

    def delete_artifact_version(self, artifact_version_id: UUID, remove_bytes: bool) -> None:
        """Delete an artifact version (and, with `remove_bytes`, its files)."""


_SEAM: Seam[ModelPlane] = Seam("model plane")


def set_plane_loader(loader: Callable[[], ModelPlane]) -> None:
    """Install the function that makes this process's model plane on first use."""
    _SEAM.set_loader(loader)


def get_plane() -> ModelPlane:
    """The model plane `Model` methods use."""
    return _SEAM.get()


def using_plane(plane: ModelPlane) -> AbstractContextManager[ModelPlane]:
    """Use `plane` for `Model` calls in this block."""
    return _SEAM.using(plane)
