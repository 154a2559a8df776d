"""How `Store` calls travel over HTTP, both ways (layer: store; pure but for pydantic).

A call becomes a path (its path parameters filled in), a query string (GET and DELETE) or a
JSON body (the others), each value encoded by the type the `Store` protocol declares for it;
the result comes back as JSON and is validated into the same records the `SqlStore` returns,
bound to the store that asked. Errors travel as `{"error": <class>, "message": ...}` with an
HTTP status that says what kind of error it is, and are raised again as the same stepwell
exception on the other side.
"""

from __future__ import annotations

import enum
import typing
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel, TypeAdapter, ValidationError

from stepwell import exceptions
from stepwell.store.rest.endpoints import EMPTY, Endpoint, Parameter, signature

# Free-form list filters that are not strings (the declared parameters have their types).
_QUERY_INTS = frozenset({"page", "size"})
_QUERY_BOOLS = frozenset({"descending", "hydrate"})
_QUERY_LISTS = frozenset({"tags"})


@cache
def adapter(annotation: Any) -> TypeAdapter[Any]:
    """A (cached) pydantic adapter for one declared type."""
    return TypeAdapter(annotation)


def validate(name: str, annotation: Any, value: Any) -> Any:
    """`value` as the declared type of parameter `name`; a ValidationError names it."""
    try:
        return adapter(annotation).validate_python(value)
    except ValidationError as error:
        problems = [
            {
                "type": item["type"],
                "loc": (name, *item["loc"]),
                "input": item["input"],
                **({"ctx": item["ctx"]} if "ctx" in item else {}),
            }
            for item in error.errors(include_url=False)
        ]
        try:
            renamed = ValidationError.from_exception_data(error.title, problems)  # type: ignore[arg-type]
        except Exception:  # an error kind pydantic cannot rebuild: say it in words
            first = error.errors()[0]
            raise exceptions.QueryError(f"{name}: {first['msg']}") from None
        raise renamed from None


# -- the caller's side ------------------------------------------------------------------------
def bind_arguments(
    endpoint: Endpoint, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> dict[str, Any]:
    """The call's arguments by name (positional ones matched to the declared order)."""
    parameters, _ = signature(endpoint.method)
    named = [p for p in parameters if not p.variadic]
    if len(args) > len(named):
        raise TypeError(f"{endpoint.method}() takes {len(named)} positional arguments")
    bound = dict(zip((p.name for p in named), args, strict=False))
    for key, value in kwargs.items():
        if key in bound:
            raise TypeError(f"{endpoint.method}() got multiple values for argument '{key}'")
        bound[key] = value
    return bound


def encode_call(
    endpoint: Endpoint, arguments: dict[str, Any]
) -> tuple[str, list[tuple[str, str]], Any]:
    """(path, query pairs, JSON body or None) of one call."""
    parameters, _ = signature(endpoint.method)
    declared = {p.name: p for p in parameters if not p.variadic}
    path = endpoint.path
    for name in endpoint.path_params:
        value = arguments.get(name)
        if value is None:
            raise TypeError(f"{endpoint.method}() needs '{name}'")
        path = path.replace("{" + name + "}", quote(_text(value), safe=""))
    rest = {k: v for k, v in arguments.items() if k not in endpoint.path_params}
    if endpoint.in_query:
        query: list[tuple[str, str]] = []
        for key, value in rest.items():
            if value is None:
                continue
            items = value if isinstance(value, list | tuple | set) else [value]
            query.extend((key, _text(item)) for item in items)
        return path, query, None
    body = {}
    for key, value in rest.items():
        parameter = declared.get(key)
        annotation = parameter.annotation if parameter is not None else Any
        body[key] = adapter(annotation).dump_python(value, mode="json")
    return path, [], body


def _text(value: Any) -> str:
    """A value as it appears in a path or query string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def decode_result(endpoint: Endpoint, data: Any, store: Any) -> Any:
    """The records a call returned, validated and bound to `store`."""
    _, returns = signature(endpoint.method)
    if returns is None or returns is type(None):
        return None
    return bind_records(adapter(returns).validate_python(data), store)


def bind_records(value: Any, store: Any) -> Any:
    """Bind every record in `value` (nested in lists, dicts, pages and fields) to `store`."""
    bind = getattr(value, "bind", None)
    if callable(bind) and isinstance(value, BaseModel):
        bind(store)
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            bind_records(getattr(value, name, None), store)
    elif isinstance(value, Mapping):
        for item in value.values():
            bind_records(item, store)
    elif isinstance(value, list | tuple):
        for item in value:
            bind_records(item, store)
    elif hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            bind_records(getattr(value, name), store)
    return value


# -- the server's side ------------------------------------------------------------------------
def decode_arguments(
    endpoint: Endpoint,
    path_values: Mapping[str, str],
    query: list[tuple[str, str]],
    body: Any,
) -> dict[str, Any]:
    """The keyword arguments of the `Store` call a request stands for, validated by the
    declared types (a bad value raises pydantic's ValidationError, named by parameter)."""
    parameters, _ = signature(endpoint.method)
    declared = {p.name: p for p in parameters if not p.variadic}
    variadic = any(p.variadic for p in parameters)
    raw: dict[str, Any] = dict(path_values)
    if endpoint.in_query:
        for key, value in query:
            many = key in _QUERY_LISTS or _is_sequence(declared.get(key))
            if many:
                raw.setdefault(key, []).append(value)
            elif key in raw:
                raise exceptions.QueryError(f"Query parameter '{key}' is given twice.")
            else:
                raw[key] = value
    elif body is not None:
        if not isinstance(body, dict):
            raise exceptions.QueryError("The request body must be a JSON object.")
        raw.update(body)
    arguments: dict[str, Any] = {}
    for key, value in raw.items():
        parameter = declared.get(key)
        if parameter is None:
            if not variadic:
                raise exceptions.QueryError(
                    f"'{key}' is not a parameter of {endpoint.method}; known: "
                    f"{', '.join(sorted(declared)) or 'none'}."
                )
            arguments[key] = _free_filter(key, value)
            continue
        arguments[key] = validate(key, parameter.annotation, value)
    check_complete(endpoint, arguments)
    return arguments


def _accepts_none(annotation: Any) -> bool:
    try:
        adapter(annotation).validate_python(None)
    except Exception:
        return False
    return True


def check_complete(endpoint: Endpoint, arguments: dict[str, Any]) -> None:
    """QueryError naming the required parameters a call lacks; a required one that may be
    None and was left out (a query string cannot say None) is None."""
    parameters, _ = signature(endpoint.method)
    missing = []
    for p in parameters:
        if p.variadic or p.default is not EMPTY or p.name in arguments:
            continue
        if _accepts_none(p.annotation) and isinstance(arguments, dict):
            arguments[p.name] = None
        else:
            missing.append(p.name)
    if missing:
        raise exceptions.QueryError(f"{endpoint.method} needs: {', '.join(missing)}.")


def decode_path(endpoint: Endpoint, path_values: Mapping[str, str]) -> dict[str, Any]:
    """A request's path parameters, validated by their declared types."""
    parameters, _ = signature(endpoint.method)
    declared = {p.name: p for p in parameters}
    return {
        name: validate(name, declared[name].annotation, value)
        for name, value in path_values.items()
    }


def _is_sequence(parameter: Parameter | None) -> bool:
    """Whether a declared parameter takes several values (a repeated query parameter)."""
    if parameter is None:
        return False
    origin = typing.get_origin(parameter.annotation)
    return isinstance(origin, type) and issubclass(origin, list | tuple | set | Sequence)


def _free_filter(key: str, value: Any) -> Any:
    if key in _QUERY_INTS:
        return validate(key, int, value)
    if key in _QUERY_BOOLS:
        return validate(key, bool, value)
    return value


def encode_result(endpoint: Endpoint, result: Any) -> Any:
    """A call's result as JSON data, by the declared return type."""
    _, returns = signature(endpoint.method)
    if returns is None or returns is type(None):
        return None
    return adapter(returns).dump_python(result, mode="json")


# -- errors -----------------------------------------------------------------------------------
def status_of(error: BaseException) -> int:
    """The HTTP status an error travels with."""
    if isinstance(error, exceptions.EntityNotFoundError):
        return 404
    if isinstance(
        error,
        exceptions.EntityExistsError
        | exceptions.IllegalOperationError
        | exceptions.ModelStageError,
    ):
        return 409
    if isinstance(error, exceptions.StepwellError | ValueError):
        return 400
    return 500


def error_body(error: BaseException) -> dict[str, str]:
    """What the server sends for an error (never a traceback)."""
    name = type(error).__name__ if isinstance(error, exceptions.StepwellError) else "StoreError"
    message = str(error) if isinstance(error, exceptions.StepwellError) else _plain(error)
    return {"error": name, "message": message}


def _plain(error: BaseException) -> str:
    if isinstance(error, ValueError):
        return str(error)
    return f"The server could not complete the request ({type(error).__name__})."


def raise_error(status: int, data: Any, what: str) -> None:
    """Raise the stepwell exception a server's error response stands for."""
    name = data.get("error") if isinstance(data, dict) else None
    message = data.get("message") if isinstance(data, dict) else None
    if not message:
        message = f"{what} failed with HTTP {status}: {str(data)[:200]}"
    found = getattr(exceptions, str(name), None)
    if isinstance(found, type) and issubclass(found, exceptions.StepwellError):
        raise found(message)
    if status == 404:
        raise exceptions.EntityNotFoundError(message)
    raise exceptions.StoreError(message)
