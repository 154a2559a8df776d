"""What the launcher needs to run one step of a run: ids, the spec and where things are stored.

Built once per run by the orchestrator (or, in a worker, from the store by run id), it keeps
the outputs of finished steps so that downstream steps find their inputs without a query.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stepwell.artifact_stores.base import BaseArtifactStore
from stepwell.compiler.spec import PipelineSpec
from stepwell.config.environment import heartbeat_interval
from stepwell.execution.model_keys import run_version_text
from stepwell.store.base import Store
from stepwell.store.model_records import ModelVersionRequest, model_key
from stepwell.store.models import ArtifactVersionResponse, NewStepRun, PipelineRunResponse
from stepwell.utils.processes import interrupt_this_process
from stepwell.utils.source_root import source_root

OutputsByName = dict[str, list[ArtifactVersionResponse]]


@dataclass
class RunContext:
    """One pipeline run as the launcher sees it."""

    store: Store
    artifact_store: BaseArtifactStore
    run: PipelineRunResponse
    spec: PipelineSpec
    outputs: dict[str, OutputsByName] = field(default_factory=dict)
    step_objects: dict[str, Any] = field(default_factory=dict)
    source_root: Path = field(default_factory=source_root)
    last_beat: float = 0.0
    stack: Any = None
    pending: list[NewStepRun] = field(default_factory=list)
    interrupt: Callable[[], None] = interrupt_this_process
    stop_delivered: bool = False
    # The model versions this run made or uses, by `model_key` (see `runs.model_versions`).
    model_versions: dict[str, Any] = field(default_factory=dict)
    _by_id: tuple[PipelineSpec, dict[str, Any]] | None = None

    def __getstate__(self) -> dict[str, Any]:
        """What a spawned worker gets (`run_attempt` needs the run, the spec and the
        stores): not the stack, the live step objects or the orchestrator's buffers."""
        state = dict(self.__dict__)
        for name in ("stack", "step_objects", "pending", "outputs", "_by_id"):
            state.pop(name, None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(
            {"stack": None, "step_objects": {}, "pending": [], "outputs": {}, "_by_id": None}
        )
        self.__dict__.update(state)

    def record_later(self, record: NewStepRun) -> None:
        """Buffer a step run record (a cache hit, or a step that never ran) to be written
        with the next batch.

        A burst of cache hits (or of skipped steps) then costs one transaction instead of
        one each. Whoever is
        about to wait, or to start a step that could read the store, calls `flush_records`
        first, so readers never miss a record for longer than it takes to decide the burst.
        """
        self.pending.append(record)

    def flush_records(self) -> None:
        """Write the buffered step run records, in one transaction."""
        if self.pending:
            records, self.pending = self.pending, []
            self.store.create_step_runs(records)

    @property
    def beat_interval(self) -> float:
        """Seconds between this run's heartbeats: the interval recorded with the run (this
        process's setting for a run recorded without one)."""
        return self.run.heartbeat_interval or heartbeat_interval()

    def beat(self, force: bool = False) -> None:
        """Record that this run's orchestrator is alive (at most once per the interval
        recorded with the run), stamped with the database's time.

        The same write reads back whether a stop was requested through the store (by a stop
        that could not signal this process); the first time one is, `interrupt` is called,
        which by default delivers a Ctrl-C to this process so the run ends `stopped`.
        """
        now = time.monotonic()
        if force or now - self.last_beat >= self.beat_interval:
            self.last_beat = now
            run = self.store.record_heartbeat(self.run.id)
            if run.stop_requested_at is not None and not self.stop_delivered:
                self.stop_delivered = True
                self.interrupt()

    def model_version(self, invocation: Any) -> Any:
        """The model version an invocation's outputs belong to (None: it has no model).

        Resolved when the run started; a step that a dynamic pipeline added later with a
        model of its own resolves (and links) its version on first use."""
        model = invocation.config.model
        if model is None:
            return None
        version = run_version_text(model, self.run)
        found = self.model_versions.get(model_key(model.name, version))
        if found is None:
            request = ModelVersionRequest.of(model, version)
            resolved = self.store.prepare_run_model_versions(self.run.id, [request])
            found = self.model_versions[request.key] = resolved[request.key]
        return found

    def model_version_by_key(self, model_name: str) -> Any:
        """The version of model `model_name` this run made or uses (the pipeline's model's,
        else the first of that name)."""
        for key, version in self.model_versions.items():
            if key.split("\0", 1)[0] == model_name and version.id == self.run.model_version_id:
                return version
        for key, version in self.model_versions.items():
            if key.split("\0", 1)[0] == model_name:
                return version
        from stepwell.exceptions import ModelError

        raise ModelError(
            f"Run '{self.run.name}' has no version of model '{model_name}': name the version "
            "(Model(name=..., version=...)) or give the pipeline or step this model."
        )

    def model_version_by_id(self, version_id: Any) -> Any:
        """A model version of this run by id: from those resolved, else from the store."""
        for version in self.model_versions.values():
            if version.id == version_id:
                return version
        return self.store.get_model_version(None, version_id)

    def add_invocation(self, invocation: Any) -> None:
        """Add an invocation to the run's spec (dynamic runs), keeping the lookup by id
        current instead of rebuilding it. (The spec's tuple of invocations is still copied
        each time: about 0.15 ms per added step at 40,000 steps, against about 4 ms to run
        one.)"""
        lookup = self._lookup()
        self.spec = self.spec.model_copy(
            update={"invocations": (*self.spec.invocations, invocation)}
        )
        lookup[invocation.id] = invocation
        self._by_id = (self.spec, lookup)

    def _lookup(self) -> dict[str, Any]:
        cached = self._by_id
        if cached is None or cached[0] is not self.spec:
            cached = self._by_id = (self.spec, self.spec.by_id)
        return cached[1]

    def invocation(self, invocation_id: str) -> Any:
        """The spec of one invocation (dynamic runs add invocations as they go)."""
        return self._lookup()[invocation_id]

    def upstream_outputs(self, invocation_id: str) -> OutputsByName:
        """The outputs of a finished upstream invocation (from memory, else from the store)."""
        found = self.outputs.get(invocation_id)
        if found is None:
            steps = self.store.get_run_steps(self.run.id)
            for name, step_run in steps.items():
                if step_run.status.is_successful:
                    self.outputs.setdefault(name, step_run.outputs)
            found = self.outputs.get(invocation_id)
        if found is None:
            raise RuntimeError(
                f"Upstream step '{invocation_id}' of run '{self.run.name}' has no outputs yet."
            )
        return found
