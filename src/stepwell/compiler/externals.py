"""External inputs met while tracing: values and artifact versions given from outside (compile).

A step input may be an `ExternalArtifact(value=...)`, an `ExternalArtifact(id=...)` or an
artifact version record (`Client().get_artifact_version(...)`). The spec only holds ids, so
such values are turned into `placeholders.ExternalArtifact(version id)` while the pipeline is
traced. Saving a value needs the stores, which the compiler must not import: the runs layer
installs a resolver for the duration of a run (`resolving_externals`); without one, only
inputs that already carry an id can be bound.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from stepwell.artifacts.external_artifact import ExternalArtifact as UserExternalArtifact
from stepwell.compiler.placeholders import ExternalArtifact
from stepwell.exceptions import PipelineDefinitionError

# (step, input name, value) -> a placeholder, or None when the value is not external.
Resolver = Callable[[Any, str, Any], ExternalArtifact | None]

_RESOLVER: contextvars.ContextVar[Resolver | None] = contextvars.ContextVar(
    "stepwell_external_resolver", default=None
)


@contextmanager
def resolving_externals(resolver: Resolver) -> Iterator[None]:
    """Let traces in this block save external values (and bind artifact versions) through
    `resolver`."""
    token = _RESOLVER.set(resolver)
    try:
        yield
    finally:
        _RESOLVER.reset(token)


def external_input(step: Any, input_name: str, value: Any) -> Any:
    """`value` as an external-input placeholder when it is one, else `value` unchanged."""
    if isinstance(value, ExternalArtifact):
        return value
    resolver = _RESOLVER.get()
    if resolver is not None:
        found = resolver(step, input_name, value)
        if found is not None:
            return found
    if isinstance(value, UserExternalArtifact):
        if value.id is not None:
            return ExternalArtifact(str(value.id))
        raise PipelineDefinitionError(
            f"Input '{input_name}' of step '{getattr(step, 'name', step)}' is an "
            "ExternalArtifact(value=...), which is saved only when the pipeline runs; this "
            "compilation has no store to save it in. Run the pipeline, or pass "
            "ExternalArtifact(id=...) of a saved artifact version."
        )
    return value
