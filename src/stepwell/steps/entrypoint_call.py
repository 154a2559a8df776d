"""Check and coerce the arguments of a direct call of a step's function (define layer).

`BaseStep.call_entrypoint(*args, **kwargs)` calls the plain function, as in ZenML, after
binding the arguments to its signature (defaults filled in) and validating each one against
its annotation in pydantic's lax mode, so `"5"` becomes 5 for an `int`. Anything that does
not fit raises `StepInterfaceError`, naming the argument and why.
"""

from __future__ import annotations

import inspect
from typing import Any

from stepwell.exceptions import StepInterfaceError


def validated_arguments(step: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments to call `step.entrypoint` with, checked and coerced."""
    signature: inspect.Signature = step.signature
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError as error:
        raise StepInterfaceError(
            f"Invalid arguments for step '{step.name}' `{step.name}{signature}`: {error}."
        ) from None
    bound.apply_defaults()
    return {
        name: _validated(step.name, name, value, signature.parameters[name].annotation)
        for name, value in bound.arguments.items()
    }


def _validated(step_name: str, name: str, value: Any, annotation: Any) -> Any:
    if annotation is inspect.Parameter.empty or annotation is Any:
        return value
    from pydantic import ConfigDict, TypeAdapter, ValidationError

    try:
        adapter: Any = TypeAdapter(annotation, config=ConfigDict(arbitrary_types_allowed=True))
    except Exception:  # a model class brings its own config; or no schema at all
        try:
            adapter = TypeAdapter(annotation)
        except Exception:
            return value
    try:
        return adapter.validate_python(value)
    except ValidationError as error:
        reason = error.errors()[0]["msg"]
        raise StepInterfaceError(
            f"Invalid argument '{name}' for step '{step_name}': {reason} (got {value!r})."
        ) from error
