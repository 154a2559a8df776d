"""`Client`: the one Python facade over the metadata store and the artifact store (read).

The CLI and the server are thin layers over this class. Lookups take a name, an id or an
id prefix, as ZenML's Client does.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from stepwell.artifact_stores.base import artifact_store_for_uri
from stepwell.enums import ExecutionStatus
from stepwell.execution.cache import explain_difference
from stepwell.store.base import Store
from stepwell.store.models import (
    ArtifactResponse,
    ArtifactVersionResponse,
    PipelineResponse,
    PipelineRunResponse,
    SnapshotResponse,
    StepRunResponse,
)


class Client:
    """Query and manage pipelines, runs, steps and artifacts."""

    def __init__(self, store: Store | None = None) -> None:
        self._store = store

    @property
    def store(self) -> Store:
        """The metadata store this client reads (the active one unless given)."""
        if self._store is None:
            from stepwell.orchestrators.submit import active_store

            self._store = active_store()
        return self._store

    # -- pipelines ---------------------------------------------------------------------------
    def get_pipeline(self, name_or_id: str | UUID) -> PipelineResponse:
        return self.store.get_pipeline(name_or_id)

    def list_pipelines(
        self, name: str | None = None, page: int = 1, size: int = 50
    ) -> list[PipelineResponse]:
        return self.store.list_pipelines(name=name, page=page, size=size)

    def delete_pipeline(self, name_or_id: str | UUID) -> None:
        """Delete a pipeline with all its runs (artifact bytes that nothing else uses go too)."""
        pipeline = self.get_pipeline(name_or_id)
        for run in self.store.list_runs(pipeline=pipeline.name, size=1_000_000):
            self.delete_pipeline_run(run.id)
        self.store.delete_pipeline(pipeline.id)

    # -- runs --------------------------------------------------------------------------------
    def get_pipeline_run(self, name_or_id: str | UUID) -> PipelineRunResponse:
        """A run by name, id or unique id prefix."""
        return self.store.get_run(name_or_id)

    def list_pipeline_runs(
        self,
        pipeline_name: str | None = None,
        status: ExecutionStatus | str | None = None,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        sort_by: str = "created",
        descending: bool = True,
        page: int = 1,
        size: int = 50,
        include_unlisted: bool = True,
        **filters: Any,
    ) -> list[PipelineRunResponse]:
        """Runs, newest first by default, filtered by pipeline, status and creation time."""
        pipeline_name = (
            pipeline_name
            or filters.pop("pipeline", None)
            or filters.pop("pipeline_name_or_id", None)
        )
        if filters:
            raise TypeError(f"Unknown filter(s) for list_pipeline_runs: {sorted(filters)}.")
        return self.store.list_runs(
            pipeline=pipeline_name,
            status=status,
            created_after=created_after,
            created_before=created_before,
            include_unlisted=include_unlisted,
            sort_by=sort_by,
            descending=descending,
            page=page,
            size=size,
        )

    def delete_pipeline_run(self, name_or_id: str | UUID) -> None:
        """Delete a run and its step runs; artifact bytes go only when nothing else uses them."""
        run = self.get_pipeline_run(name_or_id)
        for uri in self.store.delete_run(run.id):
            artifact_store_for_uri(uri).remove(uri)

    # -- steps -------------------------------------------------------------------------------
    def get_run_step(self, step_run_id: UUID | str) -> StepRunResponse:
        return self.store.get_step_run(UUID(str(step_run_id)))

    def explain_cache_miss(self, old: StepRunResponse, new: StepRunResponse) -> list[str]:
        """Which parts of the cache key differ between two step runs (code, inputs, ...)."""
        return explain_difference(old.cache_components, new.cache_components)

    # -- artifacts ---------------------------------------------------------------------------
    def get_artifact(self, name_or_id: str | UUID) -> ArtifactResponse:
        return self.store.get_artifact(name_or_id)

    def list_artifacts(self, page: int = 1, size: int = 50) -> list[ArtifactResponse]:
        return self.store.list_artifacts(page=page, size=size)

    def get_artifact_version(
        self, name_id_or_prefix: str | UUID, version: int | str | None = None
    ) -> ArtifactVersionResponse:
        """An artifact version by artifact name (latest, or `version`) or by id."""
        return self.store.get_artifact_version(name_id_or_prefix, version)

    def list_artifact_versions(
        self, name: str | None = None, page: int = 1, size: int = 50, descending: bool = False
    ) -> list[ArtifactVersionResponse]:
        return self.store.list_artifact_versions(
            name=name, page=page, size=size, descending=descending
        )

    # -- snapshots ---------------------------------------------------------------------------
    def get_snapshot(self, name_or_id: str | UUID) -> SnapshotResponse:
        return self.store.get_snapshot(name_or_id)
