"""The step context: what a running step (and its hooks) can learn about its run.

Set by the launcher around the step function and its hooks; `get_step_context()` outside a
running step raises a clear error, as in ZenML.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from stepwell.exceptions import MaterializerError, StepContextError
from stepwell.steps.deferred_writes import DeferredWrite

if TYPE_CHECKING:
    from stepwell.materializers.base_materializer import BaseMaterializer


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
        # Outputs whose materializer the step asked for (`get_output_materializer`): bytes
        # it may have written at their URIs are cleared before the returned values are saved.
        self.hand_written_outputs: set[str] = set()
        self.outputs_saved = False  # set once the returned values are saved (hooks run after)
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

    def get_output_materializer(
        self,
        output_name: str | None = None,
        custom_materializer_class: type[BaseMaterializer] | None = None,
        data_type: Any = None,
    ) -> BaseMaterializer:
        """A materializer set up on an output's artifact URI and the run's artifact store,
        so the step can write that output itself (`materializer.save(value)`).

        Its class is `custom_materializer_class` if given, else the output's configured
        materializer (`output_materializers=`), else the one the registry picks for
        `data_type` (or, without it, for the output's annotation), as saving would.

        The step still returns a value for the output, and that value is what the output
        holds: it is saved through the usual path, which replaces whatever was written
        through this materializer, so the recorded hash, size and materializer always
        describe the stored bytes. If the step fails, the bytes written here are removed.
        """
        from stepwell.materializers.base_materializer import BaseMaterializer

        name = self._output_name(output_name)
        materializer_class = custom_materializer_class or self._materializer_class(name, data_type)
        is_class = isinstance(materializer_class, type)
        if not (is_class and issubclass(materializer_class, BaseMaterializer)):
            raise StepContextError(
                f"Step '{self.step_name}': custom_materializer_class={materializer_class!r} is "
                "not a materializer; pass a subclass of "
                "stepwell.materializers.base_materializer.BaseMaterializer."
            )
        if self.outputs_saved:
            raise StepContextError(
                f"Step '{self.step_name}': its outputs are saved already, so nothing may write "
                "to them now; call get_output_materializer() inside the step function."
            )
        if self.artifact_store is None:
            raise StepContextError(
                f"Step '{self.step_name}': no artifact store is set for this step context, so "
                "no materializer can write its outputs."
            )
        uri = self._output_uris[name]
        self.artifact_store.makedirs(uri)
        self.hand_written_outputs.add(name)
        return materializer_class(uri, self.artifact_store)

    def _materializer_class(self, name: str, data_type: Any) -> type[BaseMaterializer]:
        """The class saving would use for output `name` (given `data_type`, if any)."""
        from stepwell.materializers.registry import materializer_registry, normalize_type
        from stepwell.utils.sources import load_source

        configured = self._output_materializers.get(name)
        if configured:
            return load_source(configured) if isinstance(configured, str) else configured
        target = data_type if data_type is not None else self._output_types.get(name)
        where = f"Output '{name}' of step '{self.step_name}'"
        try:
            normalized = normalize_type(target)
        except MaterializerError as error:
            raise StepContextError(f"{where}: {error} Pass data_type=<a class>.") from None
        if normalized is None or normalized is object:
            raise StepContextError(
                f"{where} has no annotated type to pick a materializer for; pass "
                "data_type=<the class of the value> or custom_materializer_class=..."
            )
        if isinstance(normalized, tuple):  # a Union: one materializer must fit every member
            found = {materializer_registry.lookup(member) for member in normalized}
            chosen = found.pop() if len(found) == 1 else None
            if chosen is None:
                names = ", ".join(t.__name__ for t in normalized)
                raise StepContextError(
                    f"{where}: no single materializer handles all of {names}; pass "
                    "data_type=<one of them> or custom_materializer_class=..."
                )
            return chosen
        # A class with no materializer of its own gets the fallback (warned), as saving does.
        return materializer_registry.get_materializer_for_type(normalized)

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
