"""Does a value, or an upstream output's type, fit an input annotation? (define layer, pure)

Deliberately forgiving where Python is (an `int` fits `float`), and silent where it cannot
know (no annotation, `Any`, type variables, unresolved forward references).
"""

from __future__ import annotations

import inspect
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

_UNION_TYPES: tuple[Any, ...] = (Union, types.UnionType)


def _unwrap(annotation: Any) -> Any:
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation


_UNMATERIALIZED = ("stepwell.artifacts.unmaterialized_artifact", "UnmaterializedArtifact")


def is_unmaterialized(annotation: Any) -> bool:
    """True when the input asks for the artifact version itself (`UnmaterializedArtifact` or
    a subclass), recognised by name so that this layer never imports the store's models."""
    annotation = _unwrap(annotation)
    if not isinstance(annotation, type):
        return False
    return any((cls.__module__, cls.__qualname__) == _UNMATERIALIZED for cls in annotation.__mro__)


def is_unchecked(annotation: Any) -> bool:
    """True when the annotation says nothing we can check."""
    annotation = _unwrap(annotation)
    return (
        annotation is inspect.Parameter.empty
        or annotation is Any
        or annotation is object
        or isinstance(annotation, str)
        or type(annotation).__name__ in {"TypeVar", "ForwardRef", "ParamSpec"}
    )


def value_matches(value: Any, annotation: Any) -> bool:
    """Whether a runtime value fits the annotation (containers: checked by their outer type)."""
    annotation = _unwrap(annotation)
    if is_unchecked(annotation):
        return True
    if annotation is None or annotation is type(None):
        return value is None
    origin = get_origin(annotation)
    if origin in _UNION_TYPES:
        return any(value_matches(value, arg) for arg in get_args(annotation))
    if origin is Literal:
        return value in get_args(annotation)
    target = origin or annotation
    if not isinstance(target, type):
        return True
    if target is float and isinstance(value, int) and not isinstance(value, bool):
        return True
    if target is int and isinstance(value, bool):
        return False
    return isinstance(value, target)


def type_fits(provided: Any, expected: Any) -> bool:
    """Whether an upstream output annotated `provided` can feed an input annotated `expected`."""
    provided, expected = _unwrap(provided), _unwrap(expected)
    if is_unchecked(provided) or is_unchecked(expected) or is_unmaterialized(expected):
        return True  # an unmaterialized input takes any output: it never loads the value
    if get_origin(expected) in _UNION_TYPES:
        return any(type_fits(provided, arg) for arg in get_args(expected))
    if get_origin(provided) in _UNION_TYPES:
        return all(type_fits(arg, expected) for arg in get_args(provided))
    provided_cls = get_origin(provided) or provided
    expected_cls = get_origin(expected) or expected
    if not isinstance(provided_cls, type) or not isinstance(expected_cls, type):
        return True
    if expected_cls is float and provided_cls is int:
        return True
    return issubclass(provided_cls, expected_cls)


def describe(annotation: Any) -> str:
    """A short readable name for an annotation, for error messages."""
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and get_origin(annotation) is None:
        return annotation.__name__
    return str(annotation).replace("typing.", "")
