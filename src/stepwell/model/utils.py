"""`link_artifact_to_model`: put an artifact version into a model version (model layer).

As in ZenML: inside a step the model defaults to the step's own; elsewhere it must be given.
Inside a step the link is recorded with the step's outputs (workers never write records).
"""

from __future__ import annotations

from typing import Any

from stepwell.exceptions import ModelError
from stepwell.model.model import Model
from stepwell.model.plane import get_plane


def link_artifact_to_model(artifact_version: Any, model: Model | None = None) -> None:
    """Link `artifact_version` (a record, e.g. from `save_artifact`) to `model`'s version, or
    to the running step's model version when `model` is None."""
    plane = get_plane()
    if model is None:
        model = plane.step_model()
        if model is None:
            raise ModelError(
                "link_artifact_to_model() needs a model: pass model=Model(name=..., "
                "version=...), or call it inside a step that has a model."
            )
    artifact_version_id = getattr(artifact_version, "id", None)
    if artifact_version_id is None:
        raise ModelError(
            f"link_artifact_to_model() got {artifact_version!r}, which has no artifact version "
            "id; pass the version `save_artifact` returned, or a recorded one "
            "(Client().get_artifact_version(...))."
        )
    plane.link_artifacts(model.id, [artifact_version_id])


__all__ = ["link_artifact_to_model"]
