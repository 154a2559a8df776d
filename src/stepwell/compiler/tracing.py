"""Tracing: run a pipeline function and record each step call as an invocation (compile).

While a trace is active, calling a step does not run it: `PipelineTrace.add_invocation`
binds its arguments (upstream outputs become artifact inputs, other values parameters),
gives it an invocation id and returns placeholders for its outputs. A pipeline called
inside another simply runs its function under the same trace, so its steps are inlined.
"""

from __future__ import annotations

import contextvars
import inspect
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from stepwell.compiler.spec import ArtifactRef, InputBinding, InvocationSpec, OutputDef
from stepwell.config.pipeline_config import PipelineConfig
from stepwell.config.precedence import apply_to_step
from stepwell.config.run_config import PipelineRunConfiguration, StepRunConfiguration
from stepwell.config.step_config import StepConfig
from stepwell.exceptions import (
    ConfigurationError,
    DuplicateInvocationIdError,
    InputTypeError,
    ParameterNotSerializableError,
    PipelineDefinitionError,
    StepDefinitionError,
)
from stepwell.steps.type_checks import describe, is_unchecked, type_fits, value_matches
from stepwell.utils.sources import get_source

if TYPE_CHECKING:
    from stepwell.steps.base_step import BaseStep


class StepOutput:
    """Placeholder for an output of a step invocation, while the pipeline is compiled."""

    __slots__ = ("annotation", "invocation_id", "output_name")

    def __init__(self, invocation_id: str, output_name: str, annotation: Any) -> None:
        self.invocation_id = invocation_id
        self.output_name = output_name
        self.annotation = annotation

    def __iter__(self) -> Iterator[Any]:
        raise StepDefinitionError(
            f"Output '{self.output_name}' of '{self.invocation_id}' is one artifact and cannot be "
            "unpacked while the pipeline is compiled. To get several outputs, annotate the step "
            "`-> Tuple[A, B]` and `return a, b` (a tuple literal)."
        )

    def __repr__(self) -> str:
        return f"<output {self.invocation_id}.{self.output_name}>"


class InvocationHandle:
    """What calling a step without outputs returns: usable in `after=`."""

    __slots__ = ("invocation_id",)

    def __init__(self, invocation_id: str) -> None:
        self.invocation_id = invocation_id

    def __repr__(self) -> str:
        return f"<invocation {self.invocation_id}>"


class ExternalArtifact:
    """A value saved as an artifact before the run (single-step calls with real objects)."""

    __slots__ = ("artifact_version_id",)

    def __init__(self, artifact_version_id: str) -> None:
        self.artifact_version_id = artifact_version_id


class PipelineTrace:
    """The invocations recorded while one pipeline function runs."""

    def __init__(
        self,
        config: PipelineConfig,
        run_config: PipelineRunConfiguration | None = None,
        run_config_source: str = "run configuration",
    ) -> None:
        self.config = config
        self.run_config = run_config
        self.run_config_source = run_config_source
        self.invocations: dict[str, InvocationSpec] = {}
        self._outputs: dict[str, dict[str, Any]] = {}

    def add_invocation(
        self,
        step: BaseStep[Any, Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        *,
        custom_id: str | None,
        after: Any,
    ) -> Any:
        """Record one call of `step`; return placeholders for its outputs."""
        invocation_id = self._new_id(step.name, custom_id)
        bound = {
            name: self.prepare_value(step, name, value)
            for name, value in _bind(step, args, kwargs, invocation_id).items()
        }
        after = self.prepare_value(step, "after", after) if after is not None else None
        inputs: dict[str, InputBinding] = {}
        parameters: dict[str, Any] = {}
        configured = step.config.parameters
        run_step = self.run_config.steps.get(invocation_id) if self.run_config else None
        overrides = run_step.parameters if run_step is not None else {}
        self._check_overrides(step, invocation_id, overrides)
        for name, spec in step.inputs.items():
            if name in overrides and not self._is_artifact(bound.get(name)):
                # A run configuration (YAML file, trigger) outranks the code.
                parameters[name] = overrides[name]
                _check_parameter(invocation_id, name, parameters[name], spec.annotation)
                inputs[name] = InputBinding(kind="parameter")
                continue
            if name in bound:
                value = bound[name]
                if isinstance(value, ExternalArtifact):
                    inputs[name] = InputBinding(
                        kind="external", artifact_version_id=value.artifact_version_id
                    )
                    continue
                artifacts = self._artifact_refs(value)
                if artifacts is not None:
                    if isinstance(value, StepOutput):
                        self._check_artifact_type(invocation_id, name, spec.annotation, value)
                    kind = "artifact" if isinstance(value, StepOutput) else "artifact_list"
                    refs = tuple(
                        ArtifactRef(
                            invocation_id=a.invocation_id,
                            output_name=a.output_name,
                            index=getattr(a, "index", None),
                            element_hash=getattr(a, "element_hash", None),
                        )
                        for a in artifacts
                    )
                    inputs[name] = InputBinding(kind=kind, artifacts=refs)
                    continue
                if name in configured and configured[name] != value:
                    raise PipelineDefinitionError(
                        f"Input '{name}' of step invocation '{invocation_id}' is passed "
                        f"{value!r} in code but configured as {configured[name]!r}; "
                        "set it in one place only."
                    )
                parameters[name] = value
            elif name in configured:
                parameters[name] = configured[name]
            elif spec.has_default:
                parameters[name] = spec.default
            else:
                raise PipelineDefinitionError(
                    f"Input '{name}' of step invocation '{invocation_id}' has no value: pass it "
                    "in the pipeline, configure it with parameters={...}, or give it a default."
                )
            _check_parameter(invocation_id, name, parameters[name], spec.annotation)
            inputs[name] = InputBinding(kind="parameter")
        outputs = tuple(
            OutputDef(
                name=out.name,
                artifact_name=out.name
                if out.has_custom_name
                else f"{self.config.name}::{invocation_id}::{out.name}",
                has_custom_name=out.has_custom_name,
                data_type=_type_source(out.annotation),
                materializer=step.config.output_materializers.get(out.name),
            )
            for out in step.outputs.values()
        )
        invocation = InvocationSpec(
            id=invocation_id,
            step_name=step.name,
            step_source=step.source,
            inputs=inputs,
            after=_after_ids(after, invocation_id),
            outputs=outputs,
            config=apply_to_step(
                _merge_config(step.config, self.config, _jsonable_parameters(parameters)),
                _without_parameters(run_step),
            ),
        )
        self.invocations[invocation_id] = invocation
        placeholders = {
            out.name: StepOutput(invocation_id, out.name, out.annotation)
            for out in step.outputs.values()
        }
        self._outputs[invocation_id] = placeholders
        if not placeholders:
            return InvocationHandle(invocation_id)
        values = tuple(placeholders.values())
        return values[0] if len(values) == 1 else values

    def prepare_value(self, step: BaseStep[Any, Any], name: str, value: Any) -> Any:
        """A hook for richer traces (dynamic runs turn futures into outputs); identity here."""
        return value

    def _is_artifact(self, value: Any) -> bool:
        return isinstance(value, (StepOutput, ExternalArtifact)) or (
            isinstance(value, (list, tuple))
            and bool(value)
            and all(isinstance(item, StepOutput) for item in value)
        )

    def _check_overrides(
        self, step: BaseStep[Any, Any], invocation_id: str, overrides: dict[str, Any]
    ) -> None:
        unknown = sorted(set(overrides) - set(step.inputs))
        if unknown:
            raise ConfigurationError(
                f"{self.run_config_source}: steps.{invocation_id}.parameters.{unknown[0]}: step "
                f"'{step.name}' takes no parameter '{unknown[0]}'; its inputs are "
                f"{sorted(step.inputs)}."
            )
        for name, value in overrides.items():
            problem = annotation_problem(value, step.inputs[name].annotation)
            if problem:
                raise ConfigurationError(
                    f"{self.run_config_source}: steps.{invocation_id}.parameters.{name}: {problem}"
                )

    def check_run_config_steps(self) -> None:
        """Every `steps.<id>` of the run configuration names an invocation of this pipeline."""
        if self.run_config is None:
            return
        unknown = sorted(set(self.run_config.steps) - set(self.invocations))
        if unknown:
            raise ConfigurationError(
                f"{self.run_config_source}: steps.{unknown[0]}: pipeline '{self.config.name}' has "
                f"no step invocation '{unknown[0]}'; its invocations are "
                f"{sorted(self.invocations)}."
            )

    def _new_id(self, name: str, custom_id: str | None) -> str:
        if custom_id is not None:
            if not isinstance(custom_id, str) or not custom_id:
                raise PipelineDefinitionError(f"id= for step '{name}' must be a non-empty string.")
            if custom_id in self.invocations:
                raise DuplicateInvocationIdError(
                    f"Step '{name}' is called with id='{custom_id}', but that id is already used "
                    "in this pipeline; ids must be unique. Pass a different id=..."
                )
            return custom_id
        if name not in self.invocations:
            return name
        counter = 2
        while f"{name}_{counter}" in self.invocations:
            counter += 1
        return f"{name}_{counter}"

    def _artifact_refs(self, value: Any) -> list[StepOutput] | None:
        if isinstance(value, StepOutput):
            return [value]
        if (
            isinstance(value, (list, tuple))
            and value
            and all(isinstance(item, StepOutput) for item in value)
        ):
            return list(value)
        if isinstance(value, InvocationHandle):
            raise PipelineDefinitionError(
                f"Step invocation '{value.invocation_id}' has no outputs, so it cannot be passed "
                "as an input. Use after=... to order steps without passing data."
            )
        return None

    @staticmethod
    def _check_artifact_type(invocation_id: str, name: str, expected: Any, ref: StepOutput) -> None:
        if not type_fits(ref.annotation, expected):
            raise InputTypeError(
                f"Input '{name}' of step invocation '{invocation_id}' expects "
                f"{describe(expected)}, but output '{ref.output_name}' of "
                f"'{ref.invocation_id}' is annotated {describe(ref.annotation)}. "
                "Change one of the annotations or convert the value in a step."
            )

    def output_refs(self, value: Any) -> tuple[ArtifactRef, ...]:
        """The artifact references in a pipeline function's return value."""
        items = value if isinstance(value, tuple) else (value,)
        return tuple(
            ArtifactRef(invocation_id=item.invocation_id, output_name=item.output_name)
            for item in items
            if isinstance(item, StepOutput)
        )


def _bind(
    step: BaseStep[Any, Any], args: tuple[Any, ...], kwargs: dict[str, Any], inv: str
) -> dict[str, Any]:
    signature = inspect.signature(step.entrypoint)
    try:
        return dict(signature.bind_partial(*args, **kwargs).arguments)
    except TypeError as error:
        raise PipelineDefinitionError(
            f"Step invocation '{inv}' is called with arguments that do not fit "
            f"`{step.name}{signature}`: {error}."
        ) from None


def _without_parameters(run_step: StepRunConfiguration | None) -> StepRunConfiguration | None:
    if run_step is None or "parameters" not in run_step.model_fields_set:
        return run_step
    data = {name: getattr(run_step, name) for name in run_step.model_fields_set}
    data.pop("parameters")
    return StepRunConfiguration(**data)


def annotation_problem(value: Any, annotation: Any) -> str | None:
    """Why `value` does not fit `annotation` (pydantic's words), or None when it does."""
    if is_unchecked(annotation):
        return None
    from pydantic import TypeAdapter, ValidationError

    try:
        TypeAdapter(annotation).validate_python(value)
    except ValidationError as error:
        message = error.errors()[0]["msg"]
        return f"{message[0].lower()}{message[1:]} (got {value!r})"
    except Exception:
        return None
    return None


def _check_parameter(invocation_id: str, name: str, value: Any, annotation: Any) -> None:
    try:
        json.dumps(_to_jsonable(value))
    except (TypeError, ValueError) as error:
        raise ParameterNotSerializableError(
            f"Parameter '{name}' of step invocation '{invocation_id}' is a "
            f"{type(value).__name__}, which is not JSON-serialisable ({error}). Pass plain "
            "values (numbers, strings, lists, dicts), or produce the object in a step and pass "
            "its output."
        ) from None
    if not value_matches(value, annotation):
        raise InputTypeError(
            f"Parameter '{name}' of step invocation '{invocation_id}' expects "
            f"{describe(annotation)}, but got {value!r} ({type(value).__name__})."
        )


def _to_jsonable(value: Any) -> Any:
    from pydantic_core import to_jsonable_python

    return to_jsonable_python(value)


def _jsonable_parameters(parameters: dict[str, Any]) -> dict[str, Any]:
    return {name: _to_jsonable(value) for name, value in parameters.items()}


def _after_ids(after: Any, invocation_id: str) -> tuple[str, ...]:
    if after is None:
        return ()
    items = after if isinstance(after, (list, tuple)) else [after]
    ids: list[str] = []
    for item in items:
        if isinstance(item, (StepOutput, InvocationHandle)):
            ids.append(item.invocation_id)
        elif isinstance(item, str):
            ids.append(item)
        else:
            raise PipelineDefinitionError(
                f"after= of step invocation '{invocation_id}' takes step outputs, invocation "
                f"ids or lists of them, not {type(item).__name__}."
            )
    return tuple(dict.fromkeys(ids))


def _type_source(annotation: Any) -> str | None:
    if isinstance(annotation, type) and annotation is not object:
        try:
            return get_source(annotation)
        except Exception:
            return None
    return None


def _merge_config(
    step: StepConfig, pipeline: PipelineConfig, parameters: dict[str, Any]
) -> StepConfig:
    """A step's own settings win over its pipeline's; dict settings merge, step keys on top."""
    data = step.model_dump(exclude_unset=True)
    for key in (
        "enable_cache",
        "enable_artifact_metadata",
        "enable_step_logs",
        "on_success",
        "on_failure",
        "retry",
        "cache_policy",
    ):
        if data.get(key) is None:
            inherited = getattr(pipeline, key)
            if inherited is not None:
                data[key] = inherited
    for key in ("settings", "environment", "extra"):
        merged = {**getattr(pipeline, key), **data.get(key, {})}
        if merged:
            data[key] = merged
    data["parameters"] = parameters
    return StepConfig.model_validate(data)


_CURRENT: contextvars.ContextVar[PipelineTrace | None] = contextvars.ContextVar(
    "stepwell_trace", default=None
)


def current_trace() -> PipelineTrace | None:
    """The trace of the pipeline being compiled in this context, if any."""
    return _CURRENT.get()


@contextmanager
def tracing(trace: PipelineTrace) -> Iterator[PipelineTrace]:
    """Record step calls into `trace` for the duration of the block."""
    token = _CURRENT.set(trace)
    try:
        yield trace
    finally:
        _CURRENT.reset(token)
