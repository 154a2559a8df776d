"""`CachePolicy`: which parts of a step feed its cache key, in ZenML's shape.

One difference from ZenML, on purpose: `include_artifact_ids` defaults to False, so two runs
that produce identical input data give a cache hit downstream (the content hash decides).
Turn it on to require the very same artifact versions as inputs.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


class CachePolicy(BaseModel):
    """What a step's cache key is made of; every field narrows or widens what counts."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    include_step_code: bool = True
    include_step_parameters: bool = True
    include_artifact_values: bool = True
    include_artifact_ids: bool = False
    ignored_inputs: list[str] = Field(default_factory=list)
    file_dependencies: list[str] = Field(default_factory=list)
    source_dependencies: list[str] = Field(default_factory=list)
    cache_func: str | None = None
    expires_after: int | None = Field(default=None, ge=0)

    @field_validator("source_dependencies", mode="before")
    @classmethod
    def _sources(cls, value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return [_as_source(item) for item in value]
        return value

    @field_validator("cache_func", mode="before")
    @classmethod
    def _cache_func(cls, value: Any) -> Any:
        return None if value is None else _as_source(value)

    @classmethod
    def default(cls) -> CachePolicy:
        return cls()


def _as_source(value: Any) -> Any:
    if isinstance(value, str) or value is None:
        return value
    if callable(value):
        from stepwell.utils.sources import get_source

        return get_source(value)
    return value
