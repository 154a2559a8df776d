"""Tracing: run a pipeline function and record each step call as an invocation (compile).

While a trace is active, calling a step does not run it: `PipelineTrace.add_invocation`
binds its arguments (upstream outputs become artifact inputs, other values parameters),
gives it an invocation id and returns placeholders for its outputs. A pipeline called
inside another simply runs its function under the same trace, so its steps are inlined.
A run configuration's `steps.<id>.parameters` fill in what a call leaves out; setting one
the call passes to another value is a `ConfigurationError`, never a silent override.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any, Literal

from stepwell.compiler.bindings import (
    after_ids,
    annotation_problem,
    bind,
    check_parameter,
    jsonable_parameters,
    to_jsonable,
    type_source,
    without_parameters,
)
from stepwell.compiler.externals import external_input
from stepwell.compiler.output_defs import output_def
from stepwell.compiler.placeholders import ExternalArtifact, InvocationHandle, StepOutput
from stepwell.compiler.spec import ArtifactRef, InputBinding, InvocationSpec, ModelArtifactRef
from stepwell.config.pipeline_config import PipelineConfig
from stepwell.config.precedence import apply_to_step, inherit_from_pipeline
from stepwell.config.run_config import PipelineRunConfiguration, StepRunConfiguration
from stepwell.exceptions import (
    ConfigurationError,
    DuplicateInvocationIdError,
    InputTypeError,
    MissingInputError,
    PipelineDefinitionError,
)
from stepwell.model.lazy import ModelArtifactReference
from stepwell.steps.runtime import current_trace, tracing
from stepwell.steps.type_checks import describe, type_fits
from stepwell.utils.names import name_problem

if TYPE_CHECKING:
    from stepwell.steps.base_step import BaseStep


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
        self._next_suffix: dict[str, int] = {}

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
            name: self.prepare_value(step, name, external_input(step, name, value))
            for name, value in bind(step, args, kwargs, invocation_id).items()
        }
        after = self.prepare_value(step, "after", after) if after is not None else None
        inputs: dict[str, InputBinding] = {}
        parameters: dict[str, Any] = {}
        configured = step.config.parameters
        run_step = self.run_step_config(step, invocation_id)
        overrides = run_step.parameters if run_step is not None else {}
        self._check_overrides(step, invocation_id, overrides)
        for name, spec in step.inputs.items():
            if name in overrides and name in bound:
                # A run configuration may repeat a value the pipeline passes, never change it.
                self._check_passed_once(step, invocation_id, name, overrides, bound[name])
            elif name in overrides:
                # A run configuration (YAML file, trigger) outranks configured values and defaults.
                parameters[name] = check_parameter(
                    invocation_id, name, overrides[name], spec.annotation
                )
                inputs[name] = InputBinding(kind="parameter")
                continue
            if name in bound:
                value = bound[name]
                if isinstance(value, ExternalArtifact):
                    inputs[name] = InputBinding(
                        kind="external", artifact_version_id=value.artifact_version_id
                    )
                    continue
                if isinstance(value, ModelArtifactReference):
                    inputs[name] = InputBinding(
                        kind="model_artifact", model_artifact=ModelArtifactRef(**asdict(value))
                    )
                    continue
                artifacts = self._artifact_refs(value)
                if artifacts is not None:
                    if isinstance(value, StepOutput):
                        self._check_artifact_type(invocation_id, name, spec.annotation, value)
                    kind: Literal["artifact", "artifact_list"] = (
                        "artifact" if isinstance(value, StepOutput) else "artifact_list"
                    )
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
                raise MissingInputError(
                    f"Input '{name}' of step invocation '{invocation_id}' has no value: pass it "
                    "in the pipeline, configure it with parameters={...}, or give it a default."
                )
            parameters[name] = check_parameter(
                invocation_id, name, parameters[name], spec.annotation
            )
            inputs[name] = InputBinding(kind="parameter", in_code=name in bound)
        outputs = tuple(
            output_def(
                out,
                artifact_name=out.name
                if out.has_custom_name
                else f"{self.config.name}::{invocation_id}::{out.name}",
                invocation_id=invocation_id,
                data_type=type_source(out.annotation),
                materializer=step.config.output_materializers.get(out.name),
                substitutions=self.config.substitutions,
            )
            for out in step.outputs.values()
        )
        invocation = InvocationSpec(
            id=invocation_id,
            step_name=step.name,
            step_source=step.source,
            inputs=inputs,
            after=after_ids(after, invocation_id),
            outputs=outputs,
            config=apply_to_step(
                inherit_from_pipeline(step.config, self.config, jsonable_parameters(parameters)),
                without_parameters(run_step),
            ),
        )
        self.invocations[invocation_id] = invocation
        placeholders = {
            out.name: StepOutput(invocation_id, out.name, out.annotation)
            for out in step.outputs.values()
        }
        if not placeholders:
            return InvocationHandle(invocation_id)
        values = tuple(placeholders.values())
        return values[0] if len(values) == 1 else values

    def run_step_config(
        self, step: BaseStep[Any, Any], invocation_id: str
    ) -> StepRunConfiguration | None:
        """The run configuration's `steps.<id>` entry for this invocation, if any (dynamic
        runs also look up the entry of the step's `depends_on` template)."""
        return self.run_config.steps.get(invocation_id) if self.run_config else None

    def prepare_value(self, step: BaseStep[Any, Any], name: str, value: Any) -> Any:
        """A hook for richer traces (dynamic runs turn futures into outputs); identity here."""
        return value

    def _check_passed_once(
        self,
        step: BaseStep[Any, Any],
        invocation_id: str,
        name: str,
        overrides: dict[str, Any],
        passed: Any,
    ) -> None:
        """A parameter the pipeline passes in code may also be in the run configuration
        only with the same value; otherwise the file would silently replace it."""
        if not self._is_artifact(passed) and same_value(overrides[name], passed):
            return
        target = f"step '{invocation_id}'"
        if invocation_id != step.name:
            target += f" (step '{step.name}')"
        raise ConfigurationError(
            f"{self.run_config_source}: steps.{invocation_id}.parameters.{name}: "
            f"{shown(overrides[name])} here, but the pipeline passes "
            f"{self._describe_passed(passed)} to {target} in code; set it in one place "
            "only (remove it from the file, or stop passing it)."
        )

    def _describe_passed(self, value: Any) -> str:
        if isinstance(value, StepOutput):
            return f"output '{value.output_name}' of '{value.invocation_id}'"
        if isinstance(value, ExternalArtifact):
            return "an artifact"
        if self._is_artifact(value):
            return f"outputs of {sorted({item.invocation_id for item in value})}"
        return shown(value)

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
            problem = name_problem(custom_id)
            if problem:
                raise PipelineDefinitionError(
                    f"id={custom_id!r:.80} for step '{name}' is not a valid invocation id: "
                    f"{problem}."
                )
            if custom_id in self.invocations:
                raise DuplicateInvocationIdError(
                    f"Step '{name}' is called with id='{custom_id}', but that id is already used "
                    "in this pipeline; ids must be unique. Pass a different id=..."
                )
            return custom_id
        if name not in self.invocations:
            return name
        # The first free `name_<n>` from 2 up; ids are never removed while tracing, so the
        # search resumes where the last one for this name ended (linear in calls, not square).
        counter = self._next_suffix.get(name, 2)
        while f"{name}_{counter}" in self.invocations:
            counter += 1
        self._next_suffix[name] = counter + 1
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


def same_value(configured: Any, passed: Any) -> bool:
    """Whether a run configuration's value equals one passed in code, compared as JSON
    (a tuple in code equals a YAML list)."""
    try:
        return bool(to_jsonable(configured) == to_jsonable(passed))
    except (TypeError, ValueError):
        return False


def shown(value: Any) -> str:
    """A value as an error message quotes it: its repr, cut short if long."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


__all__ = ["ExternalArtifact", "PipelineTrace", "StepOutput", "current_trace", "tracing"]
