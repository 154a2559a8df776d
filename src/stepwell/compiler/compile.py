"""Compile a pipeline function into a validated `PipelineSpec` (compile layer, pure).

Binds the pipeline's parameters, runs the function under a trace, checks the result and
orders the invocations. Nothing is stored and nothing runs.
"""

from __future__ import annotations

import inspect
import json
from dataclasses import dataclass
from typing import Any, Callable

from stepwell.compiler.checks import execution_order, run_checks
from stepwell.compiler.spec import PipelineSpec
from stepwell.compiler.tracing import (
    PipelineTrace,
    annotation_problem,
    same_value,
    shown,
    tracing,
)
from stepwell.config.pipeline_config import PipelineConfig
from stepwell.config.precedence import apply_to_pipeline
from stepwell.config.run_config import PipelineRunConfiguration
from stepwell.exceptions import (
    ConfigurationError,
    ParameterNotSerializableError,
    ParameterTypeError,
    PipelineDefinitionError,
)


def bind_pipeline_parameters(
    func: Callable[..., Any],
    config: PipelineConfig,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    overrides: dict[str, Any] | None = None,
    source: str = "run configuration",
) -> dict[str, Any]:
    """The pipeline's parameters: call arguments, else the run configuration, else configured
    values, else defaults. A call argument the run configuration sets to another value is
    an error: the file must not silently replace what the code passes."""
    signature = inspect.signature(func)
    try:
        bound = signature.bind_partial(*args, **kwargs).arguments
    except TypeError as error:
        raise PipelineDefinitionError(
            f"Pipeline '{config.name}' is called with arguments that do not fit "
            f"`{config.name}{signature}`: {error}."
        ) from None
    unknown = set(config.parameters) - set(signature.parameters)
    if unknown:
        raise PipelineDefinitionError(
            f"Pipeline '{config.name}' is configured with parameter(s) {sorted(unknown)} it "
            f"does not take; its parameters are {sorted(signature.parameters)}."
        )
    for name, value in (overrides or {}).items():
        if name not in signature.parameters:
            raise ConfigurationError(
                f"{source}: parameters.{name}: pipeline '{config.name}' takes no parameter "
                f"'{name}'; its parameters are {sorted(signature.parameters)}."
            )
        problem = annotation_problem(value, signature.parameters[name].annotation)
        if problem:
            raise ConfigurationError(f"{source}: parameters.{name}: {problem}")
        if name in bound and not same_value(value, bound[name]):
            raise ConfigurationError(
                f"{source}: parameters.{name}: {shown(value)} here, but pipeline "
                f"'{config.name}' is called with {name}={shown(bound[name])} in code; set it "
                "in one place only (remove it from the file, or stop passing it)."
            )
    parameters: dict[str, Any] = {}
    for name, param in signature.parameters.items():
        if name in bound:
            problem = annotation_problem(bound[name], param.annotation)
            if problem:
                raise ParameterTypeError(
                    f"Parameter '{name}' of pipeline '{config.name}': {problem}. Pass a value "
                    f"of the annotated type ({_annotation_name(param.annotation)})."
                )
            parameters[name] = bound[name]
        elif overrides and name in overrides:
            parameters[name] = overrides[name]
        elif name in config.parameters:
            parameters[name] = config.parameters[name]
        elif param.default is not inspect.Parameter.empty:
            parameters[name] = param.default
        else:
            raise PipelineDefinitionError(
                f"Pipeline '{config.name}' needs a value for parameter '{name}': pass it in "
                "the call or set it in the run configuration's `parameters`."
            )
    return parameters


@dataclass(frozen=True)
class PipelineCall:
    """A pipeline call resolved before tracing: its configuration with the run
    configuration laid on top, and its parameters (as given, and as JSON values)."""

    config: PipelineConfig
    parameters: dict[str, Any]
    run_config: PipelineRunConfiguration | None
    run_config_source: str


def resolve_call(
    func: Callable[..., Any],
    config: PipelineConfig,
    args: tuple[Any, ...] = (),
    kwargs: dict[str, Any] | None = None,
    run_config: PipelineRunConfiguration | None = None,
    run_config_source: str = "run configuration",
) -> PipelineCall:
    """The prologue every pipeline run shares, static or dynamic: precedence (the run
    configuration over the code's configuration), then the parameters bound and checked."""
    if run_config is not None:
        config = apply_to_pipeline(config, run_config)
    parameters = bind_pipeline_parameters(
        func,
        config,
        args,
        kwargs or {},
        overrides=run_config.parameters if run_config else None,
        source=run_config_source,
    )
    jsonable = jsonable_pipeline_parameters(config.name, parameters)
    return PipelineCall(
        config.model_copy(update={"parameters": jsonable}),
        parameters,
        run_config,
        run_config_source,
    )


def _annotation_name(annotation: Any) -> str:
    return getattr(annotation, "__name__", None) or str(annotation).replace("typing.", "")


def compile_pipeline(
    func: Callable[..., Any],
    config: PipelineConfig,
    args: tuple[Any, ...] = (),
    kwargs: dict[str, Any] | None = None,
    source: str | None = None,
    run_config: PipelineRunConfiguration | None = None,
    run_config_source: str = "run configuration",
) -> tuple[PipelineSpec, PipelineConfig]:
    """Trace `func` into a checked spec; return it with the config carrying its parameters.

    `run_config` (a YAML file's or a trigger's) is laid over the code's configuration.
    """
    call = resolve_call(func, config, args, kwargs, run_config, run_config_source)
    trace = PipelineTrace(call.config, run_config, run_config_source)
    with tracing(trace):
        returned = func(**call.parameters)
    trace.check_run_config_steps()
    spec = PipelineSpec(
        name=call.config.name,
        source=source,
        parameters=call.config.parameters,
        invocations=tuple(trace.invocations.values()),
        outputs=trace.output_refs(returned),
    )
    run_checks(spec)
    order = execution_order(spec)
    by_id = spec.by_id
    spec = spec.model_copy(update={"invocations": tuple(by_id[i] for i in order)})
    return spec, call.config


def jsonable_pipeline_parameters(pipeline: str, parameters: dict[str, Any]) -> dict[str, Any]:
    """Pipeline parameters as JSON values; one that has none is an error naming it."""
    from pydantic_core import to_jsonable_python

    result: dict[str, Any] = {}
    for name, value in parameters.items():
        try:
            result[name] = to_jsonable_python(value)
            json.dumps(result[name])
        except (TypeError, ValueError) as error:
            raise ParameterNotSerializableError(
                f"Parameter '{name}' of pipeline '{pipeline}' is a {type(value).__name__}, "
                f"which is not JSON-serialisable ({error}). Pass plain values, or load the "
                "object in a step."
            ) from None
    return result
