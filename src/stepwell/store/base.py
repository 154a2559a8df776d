"""The `Store` interface: everything the rest of stepwell asks of the metadata store.

`SqlStore` (SQLite by default, PostgreSQL by URL) implements it; a REST client of the server
will implement it too. Every status change is one transaction; records that name bytes in the
artifact store are committed only after those bytes are complete.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Protocol
from uuid import UUID

from stepwell.config.pipeline_config import PipelineConfig
from stepwell.config.step_config import StepConfig
from stepwell.enums import ArtifactType, ExecutionStatus, StackComponentType
from stepwell.metadata.wire import KeepTypes, TypedMetadata, TypedMetadataDict
from stepwell.store.model_protocol import ModelStore
from stepwell.store.models import (
    ArtifactResponse,
    ArtifactVersionResponse,
    CacheHit,
    NewStepRun,
    PipelineResponse,
    PipelineRunResponse,
    SnapshotResponse,
    StackComponentResponse,
    StackResponse,
    StepRunResponse,
)
from stepwell.store.page import Page
from stepwell.store.schedule_protocol import ScheduleStore
from stepwell.store.secret_protocol import SecretStore
from stepwell.store.snapshot_graphs import SnapshotGraph
from stepwell.store.step_states import StepRunState
from stepwell.store.user_protocol import AccountStore

# Metadata keeps its types over the REST API (the marks are read by `store.rest.wire`).
OutputRecord = Annotated[dict[str, Any], KeepTypes(under="run_metadata")]

if TYPE_CHECKING:
    from stepwell.config.tags import Tag
    from stepwell.enums import ColorVariants
    from stepwell.steps.deferred_writes import DeferredWrite
    from stepwell.store.annotations import TagResponse
    from stepwell.store.pending import PendingOutput


class Store(ModelStore, AccountStore, SecretStore, ScheduleStore, Protocol):
    """Metadata store operations, grouped by entity."""

    url: str

    # -- pipelines ---------------------------------------------------------------------------
    def get_or_create_pipeline(self, name: str) -> PipelineResponse: ...
    def get_pipeline(self, name_or_id: str | UUID) -> PipelineResponse: ...
    # List calls take ZenML's query arguments (see `store.filters`): `sort_by`, `page`,
    # `size`, `logical_operator`, `descending`, field filters with operators, `tags`.
    def list_pipelines(self, **query: Any) -> Page[PipelineResponse]: ...
    def delete_pipeline(self, name_or_id: str | UUID) -> None: ...

    # -- snapshots ---------------------------------------------------------------------------
    def create_snapshot(
        self,
        *,
        pipeline_id: UUID,
        spec: dict[str, Any],
        config: dict[str, Any],
        name: str | None = None,
        description: str | None = None,
        source_root: str | None = None,
        code_uri: str | None = None,
        id: UUID | None = None,  # chosen by the caller: a repeat returns the snapshot
    ) -> SnapshotResponse: ...
    def get_snapshot(self, name_or_id: str | UUID) -> SnapshotResponse: ...
    def get_snapshot_graph(self, snapshot_id: UUID) -> SnapshotGraph: ...
    def list_snapshots(
        self, *, pipeline: str | UUID | None = None, named_only: bool = False, **query: Any
    ) -> Page[SnapshotResponse]: ...
    def update_snapshot(
        self,
        snapshot_id: UUID,
        *,
        name: str | None = None,
        description: str | None = None,
        spec: dict[str, Any] | None = None,
    ) -> SnapshotResponse: ...
    def delete_snapshot(self, snapshot_id: UUID) -> None: ...

    # -- runs --------------------------------------------------------------------------------
    def create_run(
        self,
        *,
        name: str,
        pipeline_id: UUID | None,
        pipeline_name: str,
        snapshot_id: UUID | None,
        config: PipelineConfig,
        status: ExecutionStatus = ExecutionStatus.INITIALIZING,
        is_unlisted: bool = False,
        start_time: datetime | None = None,
        orchestrator_pid: int | None = None,
        stack_id: UUID | None = None,
        orchestrator_host: str | None = None,
        orchestrator_start_token: str | None = None,
        heartbeat_interval: float | None = None,
        schedule_id: UUID | None = None,
        id: UUID | None = None,  # chosen by the caller: a repeat returns the run
    ) -> PipelineRunResponse: ...
    def get_run(self, name_or_id: str | UUID) -> PipelineRunResponse: ...
    def list_runs(
        self,
        *,
        pipeline: str | UUID | None = None,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        include_unlisted: bool = True,
        **query: Any,
    ) -> Page[PipelineRunResponse]: ...
    def update_run(
        self,
        run_id: UUID,
        *,
        status: ExecutionStatus | None = None,
        start_time: datetime | None = None,
        end_time: datetime | None = None,
        status_message: str | None = None,
        heartbeat: datetime | None = None,
        orchestrator_pid: int | None = None,
        orchestrator_host: str | None = None,
        orchestrator_start_token: str | None = None,
        stop_requested_at: datetime | None = None,
        heartbeat_interval: float | None = None,
    ) -> PipelineRunResponse: ...
    def record_heartbeat(self, run_id: UUID) -> PipelineRunResponse: ...
    def database_time(self) -> datetime: ...
    def fail_dead_run(
        self, run_id: UUID, message: str, *, process_gone: bool = False
    ) -> PipelineRunResponse: ...
    def end_run(
        self,
        run_id: UUID,
        *,
        status: ExecutionStatus,
        end_time: datetime,
        status_message: str | None = None,
    ) -> PipelineRunResponse: ...
    def delete_run(self, run_id: UUID) -> list[str]: ...

    # -- step runs ---------------------------------------------------------------------------
    def create_step_run(
        self,
        *,
        pipeline_run_id: UUID,
        name: str,
        step_name: str,
        config: StepConfig,
        status: ExecutionStatus,
        inputs: dict[str, list[UUID]],
        start_time: datetime | None = None,
        end_time: datetime | None = None,
        attempt: int = 1,
        cache_key: str | None = None,
        cache_components: dict[str, str] | None = None,
        original_step_run_id: UUID | None = None,
        source_code_hash: str | None = None,
        logs_uri: str | None = None,
        outputs: dict[str, list[UUID]] | None = None,
        status_message: str | None = None,
        hydrate: bool = True,
        pending_uris: Sequence[str] = (),
        model_version_id: UUID | None = None,
        id: UUID | None = None,  # chosen by the caller: a repeat returns the record
    ) -> StepRunResponse: ...
    def create_step_runs(self, records: Sequence[NewStepRun]) -> None: ...
    # Write-ahead records of output bytes (`pending_uris` above; see store/pending.py).
    def list_pending_outputs(
        self,
        *,
        run_id: UUID | None = None,
        step_run_id: UUID | None = None,
        finished_runs_only: bool = False,
    ) -> list[PendingOutput]: ...
    def delete_pending_outputs(self, ids: Sequence[UUID]) -> None: ...
    def update_step_run(
        self,
        step_run_id: UUID,
        *,
        status: ExecutionStatus | None = None,
        end_time: datetime | None = None,
        outputs: dict[str, list[UUID]] | None = None,
        exception: str | None = None,
        status_message: str | None = None,
        cache_key: str | None = None,
        cache_components: dict[str, str] | None = None,
        hydrate: bool = True,
        forget_pending: bool = False,
    ) -> StepRunResponse: ...
    def complete_step_run(
        self,
        step_run_id: UUID,
        *,
        end_time: datetime,
        outputs: dict[str, list[OutputRecord]],
        model_version_id: UUID | None = None,
        deferred: Sequence[DeferredWrite] = (),
    ) -> dict[str, list[ArtifactVersionResponse]]: ...
    def list_artifact_consumers(self, artifact_version_id: UUID) -> list[StepRunResponse]: ...
    def get_step_run(self, step_run_id: UUID) -> StepRunResponse: ...
    def get_run_steps(self, run_id: UUID) -> dict[str, StepRunResponse]: ...
    def list_step_run_attempts(self, run_id: UUID, name: str) -> list[StepRunResponse]: ...
    def list_step_runs(
        self, *, exclude_retried: bool = False, **query: Any
    ) -> Page[StepRunResponse]: ...
    def find_cached_step_run(self, cache_key: str) -> CacheHit | None: ...
    def find_previous_step_run(self, step_run_id: UUID) -> StepRunResponse | None: ...
    def count_run_steps(self, run_ids: Sequence[UUID]) -> dict[UUID, dict[str, int]]: ...
    def list_step_states(
        self, run_id: UUID, updated_after: datetime | None = None
    ) -> list[StepRunState]: ...

    # -- artifacts ---------------------------------------------------------------------------
    def create_artifact_version(
        self,
        *,
        name: str,
        uri: str,
        data_type: str,
        materializer: str,
        has_custom_name: bool = False,
        type: ArtifactType = ArtifactType.DATA,
        content_hash: str | None = None,
        size: int | None = None,
        producer_step_run_id: UUID | None = None,
        run_metadata: TypedMetadataDict | None = None,
        visualizations: list[dict[str, Any]] | None = None,
        version: int | str | None = None,
        digest: str | None = None,
        load_options: dict[str, Any] | None = None,
    ) -> ArtifactVersionResponse: ...
    def get_artifact_version(
        self, name_or_id: str | UUID, version: int | str | None = None
    ) -> ArtifactVersionResponse: ...
    def list_artifact_versions(
        self, *, artifact: str | UUID | None = None, **query: Any
    ) -> Page[ArtifactVersionResponse]: ...
    def get_artifact(self, name_or_id: str | UUID) -> ArtifactResponse: ...
    def list_artifacts(self, **query: Any) -> Page[ArtifactResponse]: ...
    def delete_artifact_version(self, version_id: UUID) -> ArtifactVersionResponse: ...
    def delete_artifact(self, artifact_id: UUID) -> list[ArtifactVersionResponse]: ...
    def prune_artifact_versions(
        self, only_versions: bool = True
    ) -> list[ArtifactVersionResponse]: ...

    # -- stacks ------------------------------------------------------------------------------
    def create_stack_component(
        self,
        *,
        name: str,
        type: StackComponentType | str,
        flavor: str,
        configuration: Mapping[str, Any],
    ) -> StackComponentResponse: ...
    def get_stack_component(
        self, type: StackComponentType | str, name_or_id: str | UUID
    ) -> StackComponentResponse: ...
    def list_stack_components(
        self, *, stack_id: str | UUID | None = None, **query: Any
    ) -> Page[StackComponentResponse]: ...
    def update_stack_component(
        self,
        component_id: UUID,
        *,
        name: str | None = None,
        configuration: Mapping[str, Any] | None = None,
    ) -> StackComponentResponse: ...
    def delete_stack_component(self, component_id: UUID) -> None: ...
    def create_stack(
        self, *, name: str, components: Mapping[StackComponentType | str, UUID]
    ) -> StackResponse: ...
    def get_stack(self, name_or_id: str | UUID) -> StackResponse: ...
    def list_stacks(
        self, *, component_id: str | UUID | None = None, **query: Any
    ) -> Page[StackResponse]: ...
    def update_stack(
        self, stack_id: UUID, *, components: Mapping[StackComponentType | str, UUID | None]
    ) -> StackResponse: ...
    def delete_stack(self, stack_id: UUID) -> None: ...

    # -- tags (resource types: `TaggableResourceTypes` values) -------------------------------
    def create_tag(
        self, *, name: str, exclusive: bool = False, color: ColorVariants | str | None = None
    ) -> TagResponse: ...
    def get_tag(self, name_or_id: str | UUID) -> TagResponse: ...
    def list_tags(self, **query: Any) -> Page[TagResponse]: ...
    def update_tag(
        self,
        tag_id: UUID,
        *,
        name: str | None = None,
        exclusive: bool | None = None,
        color: ColorVariants | str | None = None,
    ) -> TagResponse: ...
    def delete_tag(self, tag_id: UUID) -> None: ...
    def add_tags(
        self, tags: Sequence[str | Tag], *, resource_type: str, resource_id: UUID
    ) -> None: ...
    def remove_tags(
        self, tags: Sequence[str | Tag], *, resource_type: str, resource_id: UUID
    ) -> None: ...
    def get_resource_tags(
        self, resource_type: str, resource_ids: Sequence[UUID]
    ) -> dict[UUID, list[TagResponse]]: ...

    # -- run metadata (resource types: `MetadataResourceTypes` values) -----------------------
    def create_run_metadata(
        self,
        *,
        resource_type: str,
        resource_id: UUID,
        metadata: TypedMetadata,
        publisher_step_run_id: UUID | None = None,
    ) -> None: ...
    def get_run_metadata(
        self, resource_type: str, resource_ids: Sequence[UUID]
    ) -> dict[UUID, TypedMetadataDict]: ...
    def record_deferred_writes(self, writes: Sequence[DeferredWrite]) -> None: ...
