"""Success and failure hooks: validated when a step or pipeline is defined (define layer).

The spec's conventions: a success hook takes no arguments; a failure hook takes none or a
single argument typed `BaseException` (or a subclass), which receives the step's exception.
Hooks are stored as source references, so a process that runs the step can import them.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable, Literal

from stepwell.exceptions import HookSignatureError, SourceError
from stepwell.utils.sources import get_source, load_source

HookKind = Literal["on_success", "on_failure"]
HookSpec = Callable[..., Any] | str


def resolve_hook(hook: HookSpec, kind: HookKind, owner: str) -> str:
    """Validate a hook given as a callable or a `module.function` string; return its source."""
    if isinstance(hook, str):
        try:
            function = load_source(hook)
        except SourceError as error:
            raise HookSignatureError(
                f"The {kind} hook '{hook}' of {owner} cannot be imported: {error}"
            ) from error
        source = hook if ":" in hook else get_source(function)
    elif callable(hook):
        function, source = hook, get_source(hook)
    else:
        raise HookSignatureError(
            f"The {kind} hook of {owner} must be a function or a 'module.function' string, "
            f"not {type(hook).__name__}."
        )
    check_hook_signature(function, kind, owner)
    return source


def check_hook_signature(function: Callable[..., Any], kind: HookKind, owner: str) -> None:
    """Raise `HookSignatureError` unless `function` can be called as a `kind` hook."""
    try:
        parameters = list(_signature(function).parameters.values())
    except (TypeError, ValueError) as error:
        raise HookSignatureError(
            f"The {kind} hook of {owner} has no readable signature."
        ) from error
    required = [
        p
        for p in parameters
        if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    name = getattr(function, "__name__", repr(function))
    if kind == "on_success":
        if required:
            raise HookSignatureError(
                f"Success hook '{name}' of {owner} must take no arguments; it takes "
                f"{', '.join(p.name for p in required)}."
            )
        return
    if len(required) > 1:
        raise HookSignatureError(
            f"Failure hook '{name}' of {owner} may take at most one argument (the exception); "
            f"it takes {', '.join(p.name for p in required)}."
        )
    if required and required[0].kind is inspect.Parameter.KEYWORD_ONLY:
        raise HookSignatureError(
            f"Failure hook '{name}' of {owner}: its argument '{required[0].name}' is "
            "keyword-only, but the exception is passed positionally; drop the `*`."
        )
    if required:
        annotation = required[0].annotation
        if annotation is not inspect.Parameter.empty and not (
            isinstance(annotation, str)  # a name that cannot be resolved here: trust it
            or (isinstance(annotation, type) and issubclass(annotation, BaseException))
        ):
            raise HookSignatureError(
                f"Failure hook '{name}' of {owner}: its argument '{required[0].name}' must be "
                f"typed BaseException (or a subclass), not {annotation!r}."
            )


def _signature(function: Callable[..., Any]) -> inspect.Signature:
    """The signature with string annotations (`from __future__ import annotations`) resolved."""
    try:
        return inspect.signature(function, eval_str=True)
    except (NameError, SyntaxError, TypeError):  # names that only exist for type checkers
        return inspect.signature(function)


def hook_takes_exception(function: Callable[..., Any]) -> bool:
    """Whether a failure hook wants the exception passed in (as its first positional argument)."""
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return any(p.kind in positional for p in inspect.signature(function).parameters.values())
