"""The store's domain models: what a run, step run, artifact version or pipeline looks like.

Records from the store (layer: store) that the Client, CLI and server hand to users: plain
pydantic data whose conveniences (`run.steps`, `artifact.load()`) use the store that made them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from stepwell.config.pipeline_config import PipelineConfig
from stepwell.config.step_config import StepConfig
from stepwell.enums import ArtifactType, ExecutionStatus, StackComponentType, VisualizationType
from stepwell.exceptions import EntityNotFoundError, StoreError
from stepwell.store.annotations import Tagged, WithMetadata
from stepwell.store.artifact_files import VersionFiles
from stepwell.store.display import html_table, short_repr, steps_table
from stepwell.store.durations import seconds_between
from stepwell.store.new_step_run import NewStepRun as NewStepRun  # re-exported
from stepwell.store.relations import (
    PipelineRelations,
    RunRelations,
    StepRunRelations,
    VersionRelations,
)
from stepwell.store.step_code import RunCode, StepCode

if TYPE_CHECKING:
    from stepwell.store.base import Store
    from stepwell.store.model_records import ModelVersionResponse


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, defer_build=True)

    _store: Store | None = PrivateAttr(default=None)
    display_fields: ClassVar[tuple[str, ...]] = ("name", "id")  # a repr's (`store.display`)

    def __repr__(self) -> str:
        return short_repr(self, self.display_fields)

    def __str__(self) -> str:
        return repr(self)

    def bind(self, store: Store) -> _Record:
        """Attach the store this record came from, for lazy lookups."""
        self._store = store
        return self

    def _require_store(self) -> Store:
        if self._store is None:
            raise StoreError(f"This {type(self).__name__} is not bound to a store.")
        return self._store


class PipelineResponse(PipelineRelations, Tagged, _Record):
    """A pipeline known to the store: every run of a pipeline with this name belongs to it."""

    tag_resource_type: ClassVar[str] = "pipeline"

    id: UUID
    name: str
    created: datetime
    updated: datetime
    description: str | None = None

    @property
    def runs(self) -> list[PipelineRunResponse]:
        """This pipeline's runs, newest first."""
        store = self._require_store()
        return store.list_runs(pipeline=self.name, sort_by="desc:created", size=10_000).items

    @property
    def last_run(self) -> PipelineRunResponse:
        runs = self._require_store().list_runs(pipeline=self.name, sort_by="desc:created", size=1)
        if not runs:
            raise StoreError(f"Pipeline '{self.name}' has no runs yet.")
        return runs[0]


class SnapshotResponse(Tagged, _Record):
    """A compiled pipeline and its resolved configuration, runnable from any process."""

    tag_resource_type: ClassVar[str] = "pipeline_snapshot"

    id: UUID
    name: str | None = None
    description: str | None = None
    pipeline_id: UUID
    pipeline_name: str
    spec: dict[str, Any]
    config: dict[str, Any] = Field(default_factory=dict)
    source_root: str | None = None
    code_uri: str | None = None
    created: datetime


class ArtifactVisualizationResponse(BaseModel):
    """A file that shows an artifact version (`uri`) and how to show it (`type`)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    uri: str
    type: VisualizationType


class ArtifactVersionResponse(VersionRelations, VersionFiles, Tagged, WithMetadata, _Record):
    """One immutable version of an artifact: where its bytes are and how to read them."""

    display_fields: ClassVar[tuple[str, ...]] = ("name", "version", "id", "data_type")
    tag_resource_type: ClassVar[str] = "artifact_version"
    metadata_resource_type: ClassVar[str] = "artifact_version"
    # Metadata that versions recorded by older releases keep in their own row; newer ones
    # keep all of it in the metadata table (see `.run_metadata`).
    _column_metadata: dict[str, Any] = PrivateAttr(default_factory=dict)

    id: UUID
    artifact_id: UUID
    name: str
    # As in ZenML: the version's name if it has one ("v2"), else its number as text ("1").
    version: str
    version_number: int
    uri: str
    type: ArtifactType = ArtifactType.DATA
    data_type: str
    materializer: str
    content_hash: str | None = None
    size: int | None = None
    # "<algorithm>:<hex>" of the bytes, checked before loading (None: saved before digests);
    # how the bytes may be read (e.g. {"allow_pickle": True}), set when they were saved.
    digest: str | None = None
    load_options: dict[str, Any] | None = None
    producer_step_run_id: UUID | None = None
    created: datetime
    visualizations: list[ArtifactVisualizationResponse] = Field(default_factory=list)

    def _stored_metadata(self) -> dict[str, Any]:
        return dict(self._column_metadata)

    def load(self) -> Any:
        """Read the artifact's value back with the materializer that saved it, after checking
        its bytes against the recorded digest (see `materializers/load_policy.py`)."""
        from stepwell.materializers.load_policy import load_record
        from stepwell.materializers.loading import load_artifact

        return load_artifact(self.uri, self.materializer, self.data_type, record=load_record(self))

    def visualize(self, title: str | None = None) -> None:
        """Show this version's visualizations: displayed in a notebook, else written to a
        temporary folder with one printed line per file."""
        from stepwell.utils.visualization_utils import visualize_artifact

        visualize_artifact(self, title=title)


class ArtifactResponse(Tagged, _Record):
    """An artifact name; its versions count up from 1."""

    tag_resource_type: ClassVar[str] = "artifact"

    id: UUID
    name: str
    has_custom_name: bool = False
    created: datetime

    @property
    def versions(self) -> dict[str, ArtifactVersionResponse]:
        """Every version of this artifact by version string ("1", "2", "v3"), oldest first."""
        page = self._require_store().list_artifact_versions(
            artifact_id=str(self.id), sort_by="version_number", size=1_000_000
        )
        return {version.version: version for version in page}


@dataclass(frozen=True)
class CacheHit:
    """What a cache hit reuses of an earlier step run: its id, when it ended, its outputs.

    Lighter than a `StepRunResponse` on purpose: the lookup runs once per cached step.
    """

    id: UUID
    end_time: datetime | None
    outputs: dict[str, list[ArtifactVersionResponse]]


class StepRunResponse(StepRunRelations, StepCode, WithMetadata, _Record):
    """One attempt at running one step invocation in a pipeline run."""

    display_fields: ClassVar[tuple[str, ...]] = ("name", "status", "id", "attempt")
    metadata_resource_type: ClassVar[str] = "step_run"

    def _repr_html_(self) -> str:
        rows = [
            ("step", self.name),
            ("status", self.status),
            ("attempt", self.attempt),
            ("duration", None if self.duration is None else f"{self.duration:.3f} s"),
            ("outputs", ", ".join(self.outputs) or None),
            ("message", self.status_message),
            ("id", self.id),
        ]
        return html_table(f"Step run {self.name}", rows)

    id: UUID
    name: str
    step_name: str
    pipeline_run_id: UUID
    status: ExecutionStatus
    config: StepConfig = Field(default_factory=StepConfig)
    start_time: datetime | None = None
    end_time: datetime | None = None
    created: datetime
    updated: datetime
    attempt: int = 1
    cache_key: str | None = None
    cache_components: dict[str, str] = Field(default_factory=dict)
    original_step_run_id: UUID | None = None
    source_code_hash: str | None = None
    logs_uri: str | None = None
    exception: str | None = None
    status_message: str | None = None
    inputs: dict[str, list[ArtifactVersionResponse]] = Field(default_factory=dict)
    outputs: dict[str, list[ArtifactVersionResponse]] = Field(default_factory=dict)
    model_version_id: UUID | None = None

    @property
    def model_version(self) -> ModelVersionResponse | None:
        """The model version this step's outputs were linked to (its model's), if any."""
        return _model_version(self, self.model_version_id)

    @property
    def output(self) -> ArtifactVersionResponse:
        """The single output's artifact version; several outputs must be read via `outputs`."""
        if len(self.outputs) != 1:
            names = ", ".join(sorted(self.outputs)) or "none"
            raise ValueError(
                f"Step '{self.name}' has {len(self.outputs)} outputs ({names}); "
                "use `step_run.outputs[name][0]` to pick one."
            )
        (versions,) = self.outputs.values()
        return versions[-1]

    @property
    def duration(self) -> float | None:
        """Seconds from start to end, once both are known."""
        return seconds_between(self.start_time, self.end_time)

    @property
    def logs(self) -> str:
        """The captured stdout, stderr and logging output of this step run."""
        if not self.logs_uri:
            return ""
        from stepwell.artifact_stores.base import artifact_store_for_uri

        store = artifact_store_for_uri(self.logs_uri)
        if not store.exists(self.logs_uri):
            return ""
        with store.open(self.logs_uri, "r", encoding="utf-8", errors="replace") as handle:
            return str(handle.read())


class PipelineRunResponse(RunRelations, RunCode, Tagged, WithMetadata, _Record):
    """One run of a pipeline: its status, configuration and (lazily) its steps.

    `orchestrator_pid`, `orchestrator_host` and `orchestrator_start_token` name the process
    that orchestrates it (see `stepwell.utils.processes`); `stop_requested_at` is set by a stop
    that could not signal that process, and the process reads it with its heartbeat.
    `heartbeat` is stamped by the database's clock, every `heartbeat_interval` seconds (the
    orchestrator's own setting; None for runs recorded before it was kept: 5 s).
    """

    display_fields: ClassVar[tuple[str, ...]] = ("name", "status", "id")
    tag_resource_type: ClassVar[str] = "pipeline_run"
    metadata_resource_type: ClassVar[str] = "pipeline_run"

    def _repr_html_(self) -> str:
        rows = [
            ("pipeline", self.pipeline_name),
            ("status", self.status),
            ("duration", None if self.duration is None else f"{self.duration:.3f} s"),
            ("message", self.status_message),
            ("id", self.id),
        ]
        steps = steps_table(self.steps) if self._store is not None else ""
        return html_table(f"Run {self.name}", rows, extra=steps)

    id: UUID
    name: str
    pipeline_id: UUID | None = None
    pipeline_name: str
    snapshot_id: UUID | None = None
    status: ExecutionStatus
    config: PipelineConfig
    is_unlisted: bool = False
    start_time: datetime | None = None
    end_time: datetime | None = None
    created: datetime
    updated: datetime
    status_message: str | None = None
    orchestrator_pid: int | None = None
    heartbeat: datetime | None = None
    heartbeat_interval: float | None = None
    stack_id: UUID | None = None
    orchestrator_host: str | None = None
    orchestrator_start_token: str | None = None
    stop_requested_at: datetime | None = None
    model_version_id: UUID | None = None
    schedule_id: UUID | None = None  # the schedule that started this run, if one did
    _steps: dict[str, StepRunResponse] | None = PrivateAttr(default=None)

    @property
    def model_version(self) -> ModelVersionResponse | None:
        """The version of the pipeline's model this run made or used, if it has a model."""
        return _model_version(self, self.model_version_id)

    @property
    def steps(self) -> dict[str, StepRunResponse]:
        """Step runs by invocation id (the latest attempt of each), in start order."""
        if self._steps is None:
            self._steps = self._require_store().get_run_steps(self.id)
        return self._steps

    @property
    def pipeline(self) -> PipelineResponse | None:
        """The run's pipeline; None for an unlisted run (a single step called alone)."""
        if self.pipeline_id is None:
            return None
        return self._require_store().get_pipeline(self.pipeline_id)

    @property
    def duration(self) -> float | None:
        """Seconds from `start_time` to `end_time` (see `stepwell.store.durations`)."""
        return seconds_between(self.start_time, self.end_time)

    @property
    def parameters(self) -> dict[str, Any]:
        return dict(self.config.parameters)

    @property
    def stack(self) -> StackResponse | None:
        """The stack this run ran on; None if unrecorded or since deleted."""
        if self.stack_id is None:
            return None
        try:
            return self._require_store().get_stack(self.stack_id)
        except EntityNotFoundError:
            return None

    def refresh(self) -> PipelineRunResponse:
        """A fresh copy of this run from the store."""
        return self._require_store().get_run(self.id)

    def wait(self, timeout: float | None = None, poll_interval: float = 0.2) -> PipelineRunResponse:
        """Block until the run ends; return its final record, a new one (`self` stays as read)."""
        from stepwell.store.liveness import wait_for_run

        return wait_for_run(self._require_store(), self.id, timeout, poll_interval)


class StackComponentResponse(_Record):
    """A registered stack component: its type, flavor and (validated) configuration."""

    id: UUID
    name: str
    type: StackComponentType
    flavor: str
    configuration: dict[str, Any] = Field(default_factory=dict)
    created: datetime
    updated: datetime


class StackResponse(_Record):
    """A stack: a name and its components, at most one of each type.

    `updated` also moves when one of its components changes, so it versions the whole stack.
    """

    id: UUID
    name: str
    components: dict[StackComponentType, StackComponentResponse] = Field(default_factory=dict)
    created: datetime
    updated: datetime


def _model_version(record: _Record, version_id: UUID | None) -> ModelVersionResponse | None:
    """The model version `version_id` (None when unset or since deleted)."""
    if version_id is None:
        return None
    try:
        return record._require_store().get_model_version(None, version_id)
    except EntityNotFoundError:
        return None
