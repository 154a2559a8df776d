"""`Client`: the one Python facade over the metadata store and the artifact store (read).

The CLI and the server are thin layers over this class. Lookups take a name, an id or an
id prefix, as ZenML's Client does. Stack methods delegate to `stepwell.stack`.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from uuid import UUID

from stepwell.artifact_stores.base import artifact_store_for_uri
from stepwell.enums import ExecutionStatus, StackComponentType
from stepwell.execution.cache import explain_difference
from stepwell.execution.cache_explain import CacheExplanation, explain_step_run
from stepwell.logger import get_logger
from stepwell.stack import active, registration
from stepwell.stack.registration import ComponentRef
from stepwell.stack.stack import Stack
from stepwell.store.base import Store
from stepwell.store.liveness import checked, wait_for_run
from stepwell.store.models import (
    ArtifactResponse,
    ArtifactVersionResponse,
    PipelineResponse,
    PipelineRunResponse,
    SnapshotResponse,
    StackComponentResponse,
    StackResponse,
    StepRunResponse,
)

logger = get_logger(__name__)


class Client:
    """Query and manage pipelines, runs, steps, artifacts and stacks."""

    def __init__(self, store: Store | None = None) -> None:
        self._store = store

    @property
    def store(self) -> Store:
        """The metadata store this client reads (the active one unless given)."""
        if self._store is None:
            from stepwell.store.active import get_store

            self._store = get_store()
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
        """A run by name, id or unique id prefix (a run found dead is marked failed first)."""
        return checked(self.store, self.store.get_run(name_or_id))

    def wait_for_pipeline_run(
        self, name_or_id: str | UUID, timeout: float | None = None, poll_interval: float = 0.2
    ) -> PipelineRunResponse:
        """Block until a run has finished; return its final record."""
        run = self.store.get_run(name_or_id)
        return wait_for_run(self.store, run.id, timeout, poll_interval)

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
        pipeline_name = pipeline_name or filters.pop("pipeline", None)
        name_or_id = filters.pop("pipeline_name_or_id", None)
        if pipeline_name is None and name_or_id is not None:
            pipeline_name = self.get_pipeline(name_or_id).name
        if filters:
            raise TypeError(f"Unknown filter(s) for list_pipeline_runs: {sorted(filters)}.")
        runs = self.store.list_runs(
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
        return [checked(self.store, run) for run in runs]

    def stop_pipeline_run(self, name_or_id: str | UUID) -> PipelineRunResponse:
        """Ask a running run to stop (as Ctrl-C would): its running steps end `stopped`.

        The run's orchestrating process is sent SIGINT only when it is certainly that process:
        on this host, with the recorded start token (`stepwell.utils.processes`). Otherwise,
        on another machine or when the record cannot be trusted, a stop request is recorded
        in the store instead (`stop_requested_at`), which the process reads with its next
        heartbeat. Returns the run as it is now (`run.wait()` waits for the stop to land).
        """
        import signal

        from stepwell.exceptions import StepwellError
        from stepwell.utils.processes import signal_recorded_process

        run = self.get_pipeline_run(name_or_id)
        if run.status.is_finished:
            raise StepwellError(f"Run '{run.name}' has already ended ({run.status.value}).")
        why_not = signal_recorded_process(
            run.orchestrator_pid,
            run.orchestrator_host,
            run.orchestrator_start_token,
            signal.SIGINT,
        )
        if why_not is None:
            return run
        logger.info(
            "Not signalling the orchestrating process of run %s (%s); recorded a stop "
            "request, which the run reads with its next heartbeat.",
            run.name,
            why_not,
        )
        return self.store.update_run(run.id, stop_requested_at=datetime.now(timezone.utc))

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

    def explain_cache(self, step_run: StepRunResponse | UUID | str) -> CacheExplanation:
        """Why this step run was a cache hit (and which run it reused), or why not: compared
        with the same step's newest successful run in an earlier run of the same pipeline."""
        if not isinstance(step_run, StepRunResponse):
            step_run = self.get_run_step(step_run)
        if step_run.status is ExecutionStatus.CACHED:
            original = step_run.original_step_run_id  # None once its run was deleted
            compared = self.store.get_step_run(original) if original else None
        else:
            compared = self.store.find_previous_step_run(step_run.id)
        return explain_step_run(step_run, compared)

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

    def list_artifact_consumers(
        self, artifact_version: ArtifactVersionResponse | UUID | str
    ) -> list[StepRunResponse]:
        """The step runs that read an artifact version as an input."""
        version_id = getattr(artifact_version, "id", artifact_version)
        return self.store.list_artifact_consumers(UUID(str(version_id)))

    def list_artifact_versions(
        self, name: str | None = None, page: int = 1, size: int = 50, descending: bool = False
    ) -> list[ArtifactVersionResponse]:
        return self.store.list_artifact_versions(
            name=name, page=page, size=size, descending=descending
        )

    # -- snapshots ---------------------------------------------------------------------------
    def get_snapshot(self, name_or_id: str | UUID) -> SnapshotResponse:
        """A snapshot by id, id prefix or (unambiguous) name."""
        return self.store.get_snapshot(name_or_id)

    def list_snapshots(
        self,
        pipeline_name_or_id: str | UUID | None = None,
        named_only: bool = True,
        page: int = 1,
        size: int = 50,
    ) -> list[SnapshotResponse]:
        """Snapshots, newest first (only named ones unless `named_only=False`)."""
        return self.store.list_snapshots(
            pipeline=pipeline_name_or_id, named_only=named_only, page=page, size=size
        )

    def update_snapshot(
        self, name_or_id: str | UUID, name: str | None = None, description: str | None = None
    ) -> SnapshotResponse:
        """Rename a snapshot or change its description."""
        snapshot = self.get_snapshot(name_or_id)
        return self.store.update_snapshot(snapshot.id, name=name, description=description)

    def delete_snapshot(self, name_or_id: str | UUID) -> None:
        """Delete a snapshot; runs made from it are kept."""
        self.store.delete_snapshot(self.get_snapshot(name_or_id).id)

    def trigger_pipeline(
        self,
        snapshot_name_or_id: str | UUID | None = None,
        pipeline_name_or_id: str | UUID | None = None,
        run_configuration: Any = None,
        synchronous: bool = False,
        timeout: float | None = None,
    ) -> PipelineRunResponse | None:
        """Run a snapshot (or a pipeline's newest named snapshot) in a fresh process.

        `run_configuration` (a dict or `PipelineRunConfiguration`) outranks the snapshot's
        configuration. Returns the run at once, or the finished run when `synchronous`;
        None when called while stepwell imports the calling module to run it.
        """
        from stepwell.runs.trigger import find_snapshot, trigger

        snapshot = find_snapshot(self.store, snapshot_name_or_id, pipeline_name_or_id)
        return trigger(self.store, snapshot, run_configuration, synchronous, timeout)

    # -- stacks ------------------------------------------------------------------------------
    @property
    def active_stack(self) -> Stack:
        """The stack runs run on now: `.name`, `.orchestrator`, `.artifact_store`, `.alerter`."""
        return active.get_active_stack(self.store)

    @property
    def active_stack_model(self) -> StackResponse:
        """The stored record of the active stack."""
        return active.active_stack_model(self.store)

    def activate_stack(self, stack_name_id_or_prefix: str | UUID) -> None:
        """Make a stack the active one, here and in later processes (config.yaml).

        Where STEPWELL_ACTIVE_STACK is set, it still wins.
        """
        active.activate_stack(stack_name_id_or_prefix, self.store)

    def create_stack(
        self, name: str, components: dict[StackComponentType | str, ComponentRef]
    ) -> StackResponse:
        """Register a stack of registered components (type -> name or id of each).

        An orchestrator and an artifact store are required; an alerter is optional.
        """
        return registration.register_stack(self.store, name, components)

    def get_stack(self, name_id_or_prefix: str | UUID | None = None) -> StackResponse:
        """A stack by name, id or id prefix; the active stack if none is given."""
        if name_id_or_prefix is None:
            return self.active_stack_model
        return active.find_stack(self.store, name_id_or_prefix)

    def list_stacks(self, name: str | None = None) -> list[StackResponse]:
        """Every stack (the default one included), by name."""
        active.ensure_default_stack(self.store)
        return self.store.list_stacks(name=name)

    def update_stack(
        self,
        name_id_or_prefix: str | UUID | None = None,
        components: dict[StackComponentType | str, ComponentRef] | None = None,
        component_updates: dict[StackComponentType | str, ComponentRef] | None = None,
    ) -> StackResponse:
        """Replace the stack's component of each given type (None removes an optional one).

        `component_updates` is ZenML's name for `components`. Default: the active stack.
        """
        stack = self.get_stack(name_id_or_prefix)
        changes = {**(component_updates or {}), **(components or {})}
        return registration.update_stack(self.store, stack.id, changes)

    def delete_stack(self, name_id_or_prefix: str | UUID) -> None:
        """Delete a stack (not its components); the default and the active stack stay."""
        registration.delete_stack(self.store, name_id_or_prefix)

    def create_stack_component(
        self,
        name: str,
        flavor: str,
        component_type: StackComponentType | str,
        configuration: dict[str, Any] | None = None,
    ) -> StackComponentResponse:
        """Register a component after checking `configuration` against its flavor."""
        return registration.register_component(
            self.store, name, flavor, component_type, configuration
        )

    def get_stack_component(
        self, component_type: StackComponentType | str, name_id_or_prefix: str | UUID | None = None
    ) -> StackComponentResponse:
        """A component by name, id or id prefix; the active stack's one if none is given."""
        kind = registration.parse_component_type(component_type)
        if name_id_or_prefix is None:
            return self.active_stack.component(kind).model
        active.ensure_default_stack(self.store)
        return self.store.get_stack_component(kind, name_id_or_prefix)

    def list_stack_components(
        self,
        component_type: StackComponentType | str | None = None,
        flavor: str | None = None,
        name: str | None = None,
    ) -> list[StackComponentResponse]:
        """Registered components (the default ones included), by type, then name."""
        active.ensure_default_stack(self.store)
        kind = None if component_type is None else registration.parse_component_type(component_type)
        return self.store.list_stack_components(type=kind, flavor=flavor, name=name)

    def update_stack_component(
        self,
        name_id_or_prefix: str | UUID,
        component_type: StackComponentType | str,
        name: str | None = None,
        configuration: dict[str, Any] | None = None,
    ) -> StackComponentResponse:
        """Rename a component or change configuration keys (checked against its flavor)."""
        return registration.update_component(
            self.store, component_type, name_id_or_prefix, name=name, configuration=configuration
        )

    def delete_stack_component(
        self, name_id_or_prefix: str | UUID, component_type: StackComponentType | str
    ) -> None:
        """Delete a component that no stack uses."""
        registration.delete_component(self.store, component_type, name_id_or_prefix)
