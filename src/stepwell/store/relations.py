"""Shortcuts from one record to related ones, as ZenML's responses offer (layer: store).

Mixed into the response models of `stepwell.store.models`: a pipeline's last successful
run, the artifact versions a run produced or used, a step run's single input, the step and
run that produced an artifact version. Each reads the store on access (one or two queries),
never while a list of records is built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from stepwell.enums import ExecutionStatus
from stepwell.exceptions import EntityNotFoundError, StoreError

if TYPE_CHECKING:
    from stepwell.store.base import Store
    from stepwell.store.exception_info import ExceptionInfo
    from stepwell.store.models import (
        ArtifactVersionResponse,
        PipelineRunResponse,
        StepRunResponse,
    )

_SUCCESSFUL = ",".join(status.value for status in ExecutionStatus if status.is_successful)


class PipelineRelations:
    """`pipeline.last_successful_run`."""

    id: UUID
    name: str

    if TYPE_CHECKING:

        def _require_store(self) -> Store: ...

    @property
    def last_successful_run(self) -> PipelineRunResponse:
        """The newest run of this pipeline that completed (or was entirely cached)."""
        runs = self._require_store().list_runs(
            pipeline=self.name, status=f"in:{_SUCCESSFUL}", sort_by="desc:created", size=1
        )
        if not runs:
            raise StoreError(f"Pipeline '{self.name}' has no successful run yet.")
        return runs[0]


def _unique(versions: Any) -> list[ArtifactVersionResponse]:
    seen: dict[UUID, ArtifactVersionResponse] = {}
    for version in versions:
        seen.setdefault(version.id, version)
    return list(seen.values())


class RunRelations:
    """`run.artifact_versions` and `run.produced_artifact_versions`."""

    if TYPE_CHECKING:

        @property
        def steps(self) -> dict[str, StepRunResponse]: ...

    @property
    def artifact_versions(self) -> list[ArtifactVersionResponse]:
        """Every artifact version this run's steps read or wrote (cached outputs included)."""
        return _unique(
            version
            for step in self.steps.values()
            for links in (step.inputs, step.outputs)
            for versions in links.values()
            for version in versions
        )

    @property
    def produced_artifact_versions(self) -> list[ArtifactVersionResponse]:
        """The artifact versions this run's steps made (not those reused from a cache)."""
        step_ids = {step.id for step in self.steps.values()}
        return _unique(
            version
            for step in self.steps.values()
            for versions in step.outputs.values()
            for version in versions
            if version.producer_step_run_id in step_ids
        )


class StepRunRelations:
    """`step_run.input`: the single input artifact version."""

    name: str
    if TYPE_CHECKING:
        inputs: dict[str, list[ArtifactVersionResponse]]
        step_name: str
        exception: str | None

    @property
    def exception_info(self) -> ExceptionInfo | None:
        """Why this step run failed (its traceback, and the step code line), or None."""
        from stepwell.store.exception_info import exception_info

        return exception_info(self.exception, self.step_name)

    @property
    def input(self) -> ArtifactVersionResponse:
        """The artifact version of this step's only input; several or none must use `inputs`."""
        if len(self.inputs) != 1:
            names = ", ".join(sorted(self.inputs)) or "none"
            raise ValueError(
                f"Step '{self.name}' has {len(self.inputs)} inputs ({names}); "
                "use `step_run.inputs[name][0]` to pick one."
            )
        (versions,) = self.inputs.values()
        return versions[-1]


class VersionRelations:
    """`artifact_version.step` and `.run`: where the version was produced."""

    name: str
    version: str
    producer_step_run_id: UUID | None

    if TYPE_CHECKING:

        def _require_store(self) -> Store: ...

    @property
    def step(self) -> StepRunResponse:
        """The step run that produced this version."""
        if self.producer_step_run_id is None:
            raise EntityNotFoundError(
                f"Artifact version {self.name}:{self.version} was not produced by a step "
                "(saved outside a pipeline, or its producer was deleted)."
            )
        return self._require_store().get_step_run(self.producer_step_run_id)

    @property
    def run(self) -> PipelineRunResponse:
        """The pipeline run whose step produced this version."""
        return self._require_store().get_run(self.step.pipeline_run_id)
