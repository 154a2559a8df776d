"""Resolve and load a step's inputs: upstream artifacts, external artifacts and parameters.

Part of launch: the launcher calls `resolve_inputs` for the records to link and
`load_inputs` for the values to pass to the step function, type-checked against its
annotations.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from stepwell.compiler.bindings import type_adapter
from stepwell.compiler.spec import ArtifactRef, InputBinding, InvocationSpec
from stepwell.exceptions import InputTypeError
from stepwell.execution.run_context import RunContext
from stepwell.steps.base_step import BaseStep
from stepwell.steps.type_checks import describe, is_unchecked, value_matches
from stepwell.store.models import ArtifactVersionResponse

_PLAIN = (str, int, float, bool, dict, list, type(None))


def resolve_inputs(
    ctx: RunContext, invocation: InvocationSpec
) -> dict[str, list[ArtifactVersionResponse]]:
    """The artifact versions each artifact input reads, by input name."""
    resolved: dict[str, list[ArtifactVersionResponse]] = {}
    for name, binding in invocation.inputs.items():
        if binding.kind == "parameter":
            continue
        if binding.kind == "external":
            version = ctx.store.get_artifact_version(UUID(str(binding.artifact_version_id)))
            resolved[name] = [version]
            continue
        resolved[name] = [
            ctx.upstream_outputs(ref.invocation_id)[ref.output_name][0] for ref in binding.artifacts
        ]
    return resolved


def load_inputs(
    step: BaseStep[Any, Any],
    invocation: InvocationSpec,
    artifacts: dict[str, list[ArtifactVersionResponse]],
) -> dict[str, Any]:
    """The keyword arguments for the step function."""
    values: dict[str, Any] = {}
    for name, binding in invocation.inputs.items():
        annotation = step.inputs[name].annotation if name in step.inputs else None
        if binding.kind == "parameter":
            values[name] = restore_parameter(invocation.config.parameters.get(name), annotation)
            continue
        loaded = [
            _load(version, ref)
            for version, ref in zip(
                artifacts[name], paired_refs(binding, artifacts[name]), strict=True
            )
        ]
        if binding.kind == "artifact_list":
            values[name] = loaded
            continue
        value = loaded[0]
        if annotation is not None and not value_matches(value, annotation):
            raise InputTypeError(
                f"Input '{name}' of step '{invocation.id}' expects {describe(annotation)}, but "
                f"artifact '{artifacts[name][0].name}' (version {artifacts[name][0].version}) "
                f"holds a {type(value).__name__}."
            )
        values[name] = value
    return values


def paired_refs(binding: InputBinding, versions: list[Any]) -> list[ArtifactRef | None]:
    """The upstream reference behind each resolved version (external inputs have none); a
    ref with an `index` means one element of that output (a mapped step's input)."""
    refs: list[ArtifactRef | None] = list(binding.artifacts)
    return refs if len(refs) == len(versions) else [None] * len(versions)


def _load(version: ArtifactVersionResponse, ref: ArtifactRef | None) -> Any:
    """An input's value: the whole artifact, or one element of it for a mapped step."""
    value = version.load()
    return value[ref.index] if ref is not None and ref.index is not None else value


def restore_parameter(value: Any, annotation: Any) -> Any:
    """Turn a stored JSON parameter back into the annotated type (UUIDs, tuples, models...)."""
    if annotation is None or is_unchecked(annotation) or annotation in _PLAIN:
        return value
    adapter = type_adapter(annotation)
    if adapter is None:
        return value
    try:
        return adapter.validate_python(value)
    except Exception:
        return value
