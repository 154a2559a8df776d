"""Compile a pipeline function into a validated `PipelineSpec` (compile layer, pure).

Binds the pipeline's parameters, runs the function under a trace, checks the result and
orders the invocations. Nothing is stored and nothing runs.
"""

from __future__ import annotations

import inspect
import json
from typing import Any, Callable

from stepwell.compiler.checks import execution_order, run_checks
from stepwell.compiler.spec import PipelineSpec
from stepwell.compiler.tracing import PipelineTrace, tracing
from stepwell.config.pipeline_config import PipelineConfig
from stepwell.exceptions import ParameterNotSerializableError, PipelineDefinitionError


def bind_pipeline_parameters(
    func: Callable[..., Any], config: PipelineConfig, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> dict[str, Any]:
    """The pipeline's parameters: call arguments over configured values over defaults."""
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
    parameters: dict[str, Any] = {}
    for name, param in signature.parameters.items():
        if name in bound:
            parameters[name] = bound[name]
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


def compile_pipeline(
    func: Callable[..., Any],
    config: PipelineConfig,
    args: tuple[Any, ...] = (),
    kwargs: dict[str, Any] | None = None,
    source: str | None = None,
) -> tuple[PipelineSpec, PipelineConfig]:
    """Trace `func` into a checked spec; return it with the config carrying its parameters."""
    parameters = bind_pipeline_parameters(func, config, args, kwargs or {})
    jsonable = _jsonable_parameters(config.name, parameters)
    trace = PipelineTrace(config)
    with tracing(trace):
        returned = func(**parameters)
    spec = PipelineSpec(
        name=config.name,
        source=source,
        parameters=jsonable,
        invocations=tuple(trace.invocations.values()),
        outputs=trace.output_refs(returned),
    )
    run_checks(spec)
    order = execution_order(spec)
    by_id = spec.by_id
    spec = spec.model_copy(update={"invocations": tuple(by_id[i] for i in order)})
    return spec, config.model_copy(update={"parameters": jsonable})


def _jsonable_parameters(pipeline: str, parameters: dict[str, Any]) -> dict[str, Any]:
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
