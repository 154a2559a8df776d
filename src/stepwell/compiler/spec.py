"""`PipelineSpec`: the compiled pipeline, plain frozen data (compile layer).

Everything downstream (orchestrators, the launcher in another process, the server) works
from this and from source references, never from live Python objects.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from stepwell.config.step_config import StepConfig


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class ArtifactRef(_Frozen):
    """An output of an upstream invocation (or, with `index`, one element of it)."""

    invocation_id: str
    output_name: str
    index: int | None = None
    element_hash: str | None = None  # the element's own content digest (mapped inputs)


class ModelArtifactRef(_Frozen):
    """An artifact of a model version, looked up when the step runs (`model/lazy.py`)."""

    model_name: str
    model_version: str | None = None  # None: the version the run made or uses
    artifact_name: str
    artifact_version: str | None = None
    kind: Literal["model", "data", "deployment"] | None = None


class InputBinding(_Frozen):
    """Where one step input comes from: upstream outputs (one, or a list), a parameter, an
    artifact version saved before the run, or a model version's artifact."""

    kind: Literal["artifact", "artifact_list", "parameter", "external", "model_artifact"]
    artifacts: tuple[ArtifactRef, ...] = ()
    artifact_version_id: str | None = None  # kind "external": a value saved before the run
    model_artifact: ModelArtifactRef | None = None  # kind "model_artifact"
    # kind "parameter": the pipeline passes it in code, so a run configuration may repeat
    # the value but never change it (templates leave it out).
    in_code: bool = False


class OutputDef(_Frozen):
    """One output of an invocation: its artifact name, declared type and materializer.

    `artifact_name` may hold `{date}`/`{time}`/custom placeholders, filled in when the run
    starts; `version`, `tags`, `run_metadata` and `artifact_type` come from `ArtifactConfig`.
    """

    name: str
    artifact_name: str
    has_custom_name: bool = False
    data_type: str | None = None
    materializer: str | None = None
    version: str | None = None
    tags: tuple[str, ...] = ()
    run_metadata: dict[str, Any] = Field(default_factory=dict)
    artifact_type: str | None = None


class InvocationSpec(_Frozen):
    """One call of a step in the pipeline: the unit the orchestrator schedules."""

    id: str
    step_name: str
    step_source: str
    inputs: dict[str, InputBinding] = Field(default_factory=dict)
    after: tuple[str, ...] = ()
    outputs: tuple[OutputDef, ...] = ()
    config: StepConfig = Field(default_factory=StepConfig)

    @property
    def upstream(self) -> tuple[str, ...]:
        """Invocations this one waits for: data dependencies and `after=` edges."""
        seen: dict[str, None] = {}
        for binding in self.inputs.values():
            for ref in binding.artifacts:
                seen[ref.invocation_id] = None
        for target in self.after:
            seen[target] = None
        return tuple(seen)


class PipelineSpec(_Frozen):
    """A compiled pipeline: its invocations in a valid execution order."""

    version: Literal["1"] = "1"
    name: str
    source: str | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)
    invocations: tuple[InvocationSpec, ...] = ()
    outputs: tuple[ArtifactRef, ...] = ()

    @property
    def by_id(self) -> dict[str, InvocationSpec]:
        return {invocation.id: invocation for invocation in self.invocations}

    def dependencies(self) -> dict[str, tuple[str, ...]]:
        """Each invocation id mapped to the ids it waits for."""
        return {invocation.id: invocation.upstream for invocation in self.invocations}
