"""Binding helpers for tracing: parameters, `after=` targets, types and merged step configs.

Pure functions used by `compiler/tracing.py` while it records step invocations (compile).
"""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, Any

from stepwell.compiler.placeholders import InvocationHandle, StepOutput
from stepwell.config.run_config import StepRunConfiguration
from stepwell.exceptions import (
    ParameterNotSerializableError,
    ParameterTypeError,
    PipelineDefinitionError,
)
from stepwell.steps.type_checks import describe, is_unchecked, is_unmaterialized, value_matches
from stepwell.utils.sources import get_source

if TYPE_CHECKING:
    from stepwell.steps.base_step import BaseStep


def bind(
    step: BaseStep[Any, Any], args: tuple[Any, ...], kwargs: dict[str, Any], inv: str
) -> dict[str, Any]:
    signature = step.signature
    try:
        return dict(signature.bind_partial(*args, **kwargs).arguments)
    except TypeError as error:
        raise PipelineDefinitionError(
            f"Step invocation '{inv}' is called with arguments that do not fit "
            f"`{step.name}{signature}`: {error}."
        ) from None


def without_parameters(run_step: StepRunConfiguration | None) -> StepRunConfiguration | None:
    if run_step is None or "parameters" not in run_step.model_fields_set:
        return run_step
    data = {name: getattr(run_step, name) for name in run_step.model_fields_set}
    data.pop("parameters")
    return StepRunConfiguration(**data)


def annotation_problem(value: Any, annotation: Any) -> str | None:
    """Why `value` does not fit `annotation` (pydantic's words), or None when it does."""
    if is_unchecked(annotation):
        return None
    from pydantic import ValidationError

    adapter = type_adapter(annotation)
    if adapter is None:
        return None
    try:
        adapter.validate_python(value)
    except ValidationError as error:
        message = error.errors()[0]["msg"]
        return f"{message[0].lower()}{message[1:]} (got {value!r})"
    except Exception:
        return None
    return None


def check_parameter(invocation_id: str, name: str, value: Any, annotation: Any) -> Any:
    """`value` as the parameter's annotation wants it, coerced the way pydantic's lax mode
    does (as in ZenML: `"42"` for an `int` gives 42); raises `ParameterTypeError` (a
    RuntimeError, as ZenML's) when it cannot be, and when it has no JSON form."""
    if is_unmaterialized(annotation):
        raise ParameterTypeError(
            f"Input '{name}' of step invocation '{invocation_id}' is annotated "
            f"{describe(annotation)}, so it takes an artifact (a step's output, an "
            f"ExternalArtifact or an artifact version), but got the plain value {value!r}. "
            "Pass an artifact, or wrap the value in ExternalArtifact(value=...)."
        )
    try:
        json.dumps(to_jsonable(value))
    except (TypeError, ValueError) as error:
        raise ParameterNotSerializableError(
            f"Parameter '{name}' of step invocation '{invocation_id}' is a "
            f"{type(value).__name__}, which is not JSON-serialisable ({error}). Pass plain "
            "values (numbers, strings, lists, dicts), or produce the object in a step and pass "
            "its output."
        ) from None
    coerced = coerce_parameter(value, annotation)
    if coerced is _NOT_COERCIBLE or not value_matches(coerced, annotation):
        raise ParameterTypeError(
            f"Parameter '{name}' of step invocation '{invocation_id}' expects "
            f"{describe(annotation)}, but got {value!r} ({type(value).__name__}), which "
            f"cannot be converted to it. Pass a value of the annotated type "
            f"({describe(annotation)})."
        )
    return coerced


_NOT_COERCIBLE = object()


def coerce_parameter(value: Any, annotation: Any) -> Any:
    """`value` validated against `annotation` in pydantic's lax mode; `_NOT_COERCIBLE` when
    it does not fit; `value` itself when pydantic has no schema for the annotation."""
    if is_unchecked(annotation):
        return value
    from pydantic import ValidationError

    adapter = type_adapter(annotation)
    if adapter is None:
        return value
    try:
        return adapter.validate_python(value)
    except ValidationError:
        return _NOT_COERCIBLE


@functools.lru_cache(maxsize=256)
def _cached_adapter(annotation: Any) -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(annotation)


def type_adapter(annotation: Any) -> Any:
    """pydantic's validator for `annotation`, built once per annotation; None when pydantic
    has no schema for it (or it cannot be a cache key)."""
    try:
        return _cached_adapter(annotation)
    except Exception:  # unhashable annotations, types pydantic has no schema for
        return None


def to_jsonable(value: Any) -> Any:
    from pydantic_core import to_jsonable_python

    return to_jsonable_python(value)


def jsonable_parameters(parameters: dict[str, Any]) -> dict[str, Any]:
    return {name: to_jsonable(value) for name, value in parameters.items()}


def after_ids(after: Any, invocation_id: str) -> tuple[str, ...]:
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


def type_source(annotation: Any) -> str | None:
    if isinstance(annotation, type) and annotation is not object:
        try:
            return get_source(annotation)
        except Exception:
            return None
    return None
