"""The seam between `Model` (a plain configuration object) and the store (model layer).

`Model` sits at the bottom of the layers, because pipeline and step configurations hold it,
yet its methods (`number`, `set_stage`, `load_artifact`, ...) read and write model versions.
So, as the define layer does for running pipelines (`steps/runtime.py`), it asks a
`ModelPlane` for that, and `stepwell/__init__.py` installs a loader that makes the real one
(`stepwell.client.model_plane`) on first use. Tests may install another with `using_plane`.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Protocol
from uuid import UUID


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


_loader: Callable[[], ModelPlane] | None = None
_plane: ModelPlane | None = None
_OVERRIDE: contextvars.ContextVar[ModelPlane | None] = contextvars.ContextVar(
    "stepwell_model_plane", default=None
)


def set_plane_loader(loader: Callable[[], ModelPlane]) -> None:
    """Install the function that makes this process's model plane on first use."""
    global _loader, _plane
    _loader = loader
    _plane = None


def get_plane() -> ModelPlane:
    """The model plane `Model` methods use."""
    global _plane
    override = _OVERRIDE.get()
    if override is not None:
        return override
    if _plane is None:
        if _loader is None:  # pragma: no cover - stepwell/__init__.py always installs one
            raise RuntimeError("No model plane is installed; import stepwell first.")
        _plane = _loader()
    return _plane


@contextmanager
def using_plane(plane: ModelPlane) -> Iterator[ModelPlane]:
    """Use `plane` for `Model` calls in this block."""
    token = _OVERRIDE.set(plane)
    try:
        yield plane
    finally:
        _OVERRIDE.reset(token)
