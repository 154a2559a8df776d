"""`ArtifactConfig`: how a step output is stored, set in its annotation (define layer).

`Annotated[T, ArtifactConfig(name="model_{date}", version="v2", tags=[...])]` names the
output's artifact (placeholders are filled when the run starts, as in run names), gives its
version a custom name, tags it and attaches metadata. Plain data: the compiler copies it into
the spec, the launcher applies it when the output is recorded.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from stepwell.enums import ArtifactType


class ArtifactConfig(BaseModel):
    """Name, version, tags, metadata and type of a step output's artifact.

    `version` is a number (an explicit version number) or a name such as `"v2"`; either must
    be new for the artifact, or the step fails before its bytes are kept. `is_model_artifact`
    and `is_deployment_artifact` are the older spelling of `artifact_type=MODEL` / `SERVICE`.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    name: str | None = None
    version: int | str | None = Field(default=None, union_mode="smart")
    tags: list[str] | None = None
    run_metadata: dict[str, Any] | None = None
    artifact_type: ArtifactType | None = None

    @model_validator(mode="before")
    @classmethod
    def _legacy_flags(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        is_model = data.pop("is_model_artifact", None)
        is_deployment = data.pop("is_deployment_artifact", None)
        if is_model and is_deployment:
            raise ValueError(
                "An artifact is either a model artifact or a deployment artifact, not both; "
                "set one of is_model_artifact / is_deployment_artifact (or artifact_type=...)."
            )
        if is_model:
            data.setdefault("artifact_type", ArtifactType.MODEL)
        elif is_deployment:
            data.setdefault("artifact_type", ArtifactType.SERVICE)
        return data

    @property
    def version_text(self) -> str | None:
        """The version as the store records it: a string, or None for the next number."""
        if self.version is None:
            return None
        text = str(self.version).strip()
        return text or None


__all__ = ["ArtifactConfig"]
