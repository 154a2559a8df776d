"""The step context: what a running step (and its hooks) can learn about its run.

Set by the launcher around the step function and its hooks; `get_step_context()` outside a
running step raises a clear error, as in ZenML.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from stepwell.exceptions import StepContextError
from stepwell.steps.deferred_writes import DeferredWrite


class StepContext:
    """Information about the running step: its run, its pipeline and where its outputs go."""

    def __init__(
        self,
        *,
        pipeline_run: Any,
        step_run: Any,
        pipeline: Any,
        output_uris: dict[str, str],
        output_materializers: dict[str, Any] | None = None,
        output_types: dict[str, Any] | None = None,
        inputs: dict[str, list[Any]] | None = None,
    ) -> None:
        self._inputs = dict(inputs or {})
        self.pipeline_run = pipeline_run
        self.step_run = step_run
        self.pipeline = pipeline
        self._output_uris = dict(output_uris)
        self._output_materializers = dict(output_materializers or {})
        self._output_types = dict(output_types or {})
        self.output_metadata: dict[str, dict[str, Any]] = {}
        self.output_tags: dict[str, list[str]] = {}
        # Metadata and tags logged on other resources, written when the outputs are recorded.
        self.deferred_writes: list[DeferredWrite] = []
        # `save_artifact` / `register_artifact` inside the step: where bytes go, and the
        # saved outputs that are recorded (as outputs of this step run) with the others.
        self.artifact_store: Any = None
        self.manual_outputs: list[Any] = []
        # The step's `Model`, bound to the version this run made or uses (None: no model).
        self._model: Any = None

    @property
    def model(self) -> Any:
        """The step's model (its own, else its pipeline's), bound to this run's version of
        it: `number`, `stage`, `run_metadata`, `load_artifact(...)`, `set_stage(...)`."""
        if self._model is None:
            raise StepContextError(
                f"Step '{self.step_name}' has no model: configure one with "
                "@step(model=Model(name=...)) or @pipeline(model=Model(name=...))."
            )
        return self._model

    @property
    def step_name(self) -> str:
        return str(self.step_run.name)

    @property
    def inputs(self) -> dict[str, list[Any]]:
        """The artifact versions this step reads, by input name (a list each, as in ZenML:
        one version, or several for a list input); parameters are not in it."""
        return dict(self._inputs)

    def get_output_artifact_uri(self, output_name: str | None = None) -> str:
        """Where an output's bytes will be written (the single output when not named)."""
        return self._output_uris[self._output_name(output_name)]

    def get_output_materializer(self, output_name: str | None = None) -> Any:
        return self._output_materializers.get(self._output_name(output_name))

    def add_output_metadata(self, metadata: dict[str, Any], output_name: str | None = None) -> None:
        """Attach metadata to an output's artifact version (checked now: a value that cannot
        be stored raises here, naming its key)."""
        from stepwell.metadata.metadata_types import checked_metadata

        checked = checked_metadata(metadata)
        self.output_metadata.setdefault(self._output_name(output_name), {}).update(checked)

    def get_output_metadata(self, output_name: str | None = None) -> dict[str, Any]:
        """The metadata added so far to an output (the single output when not named)."""
        return dict(self.output_metadata.get(self._output_name(output_name), {}))

    def add_output_tags(self, tags: list[str], output_name: str | None = None) -> None:
        """Tag an output's artifact version when it is recorded."""
        current = self.output_tags.setdefault(self._output_name(output_name), [])
        current.extend(tag for tag in tags if tag not in current)

    def get_output_tags(self, output_name: str | None = None) -> list[str]:
        """The tags added so far to an output (the single output when not named)."""
        return list(self.output_tags.get(self._output_name(output_name), []))

    def remove_output_tags(self, tags: list[str], output_name: str | None = None) -> None:
        """Take tags added earlier in this step off an output."""
        name = self._output_name(output_name)
        self.output_tags[name] = [tag for tag in self.output_tags.get(name, []) if tag not in tags]

    @property
    def output_names(self) -> list[str]:
        """The names of this step's outputs."""
        return list(self._output_uris)

    def _output_name(self, output_name: str | None) -> str:
        if output_name is None:
            if len(self._output_uris) != 1:
                raise StepContextError(
                    f"Step '{self.step_name}' has {len(self._output_uris)} outputs; "
                    "pass output_name=..."
                )
            return next(iter(self._output_uris))
        if output_name not in self._output_uris:
            raise StepContextError(
                f"Step '{self.step_name}' has no output '{output_name}'; "
                f"its outputs are {sorted(self._output_uris)}."
            )
        return output_name


_CURRENT: contextvars.ContextVar[StepContext | None] = contextvars.ContextVar(
    "stepwell_step_context", default=None
)


def get_step_context() -> StepContext:
    """The context of the step that is running now."""
    context = _CURRENT.get()
    if context is None:
        raise StepContextError(
            "The step context is only available inside a step function (or its hooks)."
        )
    return context


def in_running_step() -> bool:
    """Whether a step's code (or one of its hooks) is running in this context."""
    return _CURRENT.get() is not None


@contextmanager
def step_context(context: StepContext) -> Iterator[StepContext]:
    """Make `context` the current step context for the duration of the block."""
    token = _CURRENT.set(context)
    try:
        yield context
    finally:
        _CURRENT.reset(token)
