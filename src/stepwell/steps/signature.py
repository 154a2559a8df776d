"""A step function's inputs and outputs, read from its signature (define layer).

Outputs follow the spec's conventions: one output named `output`; for a `Tuple[...]` return
annotation, several outputs `output_0`, `output_1`, ... only when every `return` statement
returns a tuple literal; `Annotated[T, "name"]` names an output. Pure: no I/O beyond reading
the function's source for the tuple rule.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
import typing
from dataclasses import dataclass
from typing import Annotated, Any, Callable, get_args, get_origin

from stepwell.exceptions import MissingAnnotationError, OutputAnnotationError, StepDefinitionError

EMPTY = inspect.Parameter.empty


@dataclass(frozen=True)
class InputSpec:
    """One input of a step: an artifact from upstream or a parameter value."""

    name: str
    annotation: Any = EMPTY
    default: Any = EMPTY

    @property
    def has_default(self) -> bool:
        return self.default is not EMPTY


@dataclass(frozen=True)
class OutputSpec:
    """One output of a step: its name, annotated type and whether the user named it.

    `artifact_config` is the output's `ArtifactConfig` when its annotation has one. The name
    may hold `{date}`, `{time}` or custom placeholders, filled in when the run starts.
    """

    name: str
    annotation: Any = Any
    has_custom_name: bool = False
    artifact_config: Any = None


def _type_hints(func: Callable[..., Any]) -> dict[str, Any]:
    try:
        return typing.get_type_hints(func, include_extras=True)
    except Exception:
        # Unresolvable forward references: keep the raw annotations rather than fail.
        return dict(getattr(func, "__annotations__", {}))


def parse_inputs(
    func: Callable[..., Any], enforce_annotations: bool = False
) -> dict[str, InputSpec]:
    """The inputs of `func`, by name, in signature order."""
    hints = _type_hints(func)
    inputs: dict[str, InputSpec] = {}
    for param in inspect.signature(func).parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise StepDefinitionError(
                f"Step '{func.__name__}' takes *{param.name}/**{param.name}; steps need "
                "named inputs. List each input as its own parameter."
            )
        annotation = hints.get(param.name, EMPTY)
        if annotation is EMPTY and enforce_annotations:
            raise MissingAnnotationError(
                f"Input '{param.name}' of step '{func.__name__}' has no type annotation, "
                "and STEPWELL_ENFORCE_TYPE_ANNOTATIONS is on. Annotate it, e.g. "
                f"`{param.name}: int`."
            )
        inputs[param.name] = InputSpec(param.name, annotation, param.default)
    return inputs


def parse_outputs(
    func: Callable[..., Any], enforce_annotations: bool = False
) -> dict[str, OutputSpec]:
    """The outputs of `func`, by name, in order (empty for `-> None`)."""
    hints = _type_hints(func)
    if "return" not in hints:
        if enforce_annotations:
            raise MissingAnnotationError(
                f"Step '{func.__name__}' has no return annotation, and "
                "STEPWELL_ENFORCE_TYPE_ANNOTATIONS is on. Annotate it (use `-> None` "
                "for a step without outputs)."
            )
        return {"output": OutputSpec("output")}
    annotation = hints["return"]
    if annotation is None or annotation is type(None):
        return {}
    name, inner, config = _custom_name(annotation, func)
    if name is not None:
        return {name: OutputSpec(name, inner, True, config)}
    if get_origin(annotation) is tuple and returns_tuple_literal(func):
        args = get_args(annotation)
        if len(args) == 2 and args[1] is Ellipsis:
            raise OutputAnnotationError(
                f"Step '{func.__name__}': variable length output annotations are not allowed. "
                f"`{_describe(annotation)}` with `return a, b` would make a variable number of "
                "outputs; annotate each output (`Tuple[int, int]`) or return one tuple value."
            )
        outputs: dict[str, OutputSpec] = {}
        for index, element in enumerate(args):
            custom, element_type, config = _custom_name(element, func)
            output_name = custom or f"output_{index}"
            if output_name in outputs:
                raise OutputAnnotationError(
                    f"Step '{func.__name__}' names two outputs '{output_name}'; "
                    "output names must be unique."
                )
            outputs[output_name] = OutputSpec(output_name, element_type, custom is not None, config)
        return outputs
    return {"output": OutputSpec("output", inner, artifact_config=config)}


def _custom_name(annotation: Any, func: Callable[..., Any]) -> tuple[str | None, Any, Any]:
    """The output name an annotation gives (a string or an `ArtifactConfig`'s name), the
    type inside it, and its `ArtifactConfig` (None when it has none)."""
    from stepwell.artifacts.artifact_config import ArtifactConfig

    if get_origin(annotation) is not Annotated:
        return None, annotation, None
    inner, *extras = get_args(annotation)
    unknown = [extra for extra in extras if not isinstance(extra, (str, ArtifactConfig))]
    if unknown:
        raise OutputAnnotationError(
            f"Step '{func.__name__}': output annotation `{_describe(annotation)}` carries "
            f"{unknown[0]!r}; an output's Annotated[...] takes a name (a string) or an "
            'ArtifactConfig(...), e.g. Annotated[int, "count"].'
        )
    config = next((extra for extra in extras if isinstance(extra, ArtifactConfig)), None)
    names = [extra for extra in extras if isinstance(extra, str)]
    if config is not None and config.name:
        names.insert(0, config.name)
    if not names:
        return None, inner, config
    name = names[0]
    _check_output_name(name, func)
    return name, inner, config


def _check_output_name(name: str, func: Callable[..., Any]) -> None:
    """Letters, digits, '_', '-', '.' and `{placeholder}`s (filled in when the run starts)."""
    from stepwell.artifacts.names import placeholders

    plain = name
    for field in placeholders(name):
        plain = plain.replace("{" + field + "}", "x")
    if not plain.replace("-", "_").replace(".", "_").isidentifier() and not plain.isidentifier():
        raise OutputAnnotationError(
            f"Step '{func.__name__}' names an output {name!r}; use letters, digits, '_', '-', "
            "'.' and {placeholders} such as {date}."
        )


def _describe(annotation: Any) -> str:
    return str(annotation).replace("typing.", "")


def returns_tuple_literal(func: Callable[..., Any]) -> bool:
    """Whether every `return <value>` in `func` (not in nested functions) is a tuple literal.

    When the source cannot be read (a notebook, a lambda), a fixed-length `Tuple` annotation
    is taken to mean several outputs, the common intent.
    """
    try:
        source = textwrap.dedent(inspect.getsource(inspect.unwrap(func)))
        tree = ast.parse(source)
    except (OSError, TypeError, SyntaxError, IndentationError):
        return True
    function = next(
        (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))),
        None,
    )
    if function is None:
        return True
    returns = [r for r in _own_returns(function) if r.value is not None]
    return bool(returns) and all(isinstance(r.value, ast.Tuple) for r in returns)


def _own_returns(function: ast.AST) -> list[ast.Return]:
    found: list[ast.Return] = []
    stack = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, ast.Return):
            found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found
