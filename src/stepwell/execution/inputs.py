"""Resolve and load a step's inputs: upstream artifacts, external artifacts and parameters.

Part of launch: the launcher calls `resolve_inputs` for the records to link and
`load_inputs` for the values to pass to the step function, type-checked against its
annotations.
"""

from __future__ import annotations

from typing import Any, get_args, get_origin
from uuid import UUID

from stepwell.compiler.bindings import type_adapter
from stepwell.compiler.spec import ArtifactRef, InputBinding, InvocationSpec, ModelArtifactRef
from stepwell.exceptions import InputTypeError, ModelArtifactNotFoundError
from stepwell.execution.run_context import RunContext
from stepwell.execution.user_code import maybe_user_code
from stepwell.steps.base_step import BaseStep
from stepwell.steps.type_checks import describe, is_unchecked, is_unmaterialized, value_matches
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
        if binding.kind == "model_artifact" and binding.model_artifact is not None:
            resolved[name] = [model_artifact(ctx, invocation.id, name, binding.model_artifact)]
            continue
        resolved[name] = [
            ctx.upstream_outputs(ref.invocation_id)[ref.output_name][0] for ref in binding.artifacts
        ]
    return resolved


def model_artifact(
    ctx: RunContext, invocation_id: str, input_name: str, ref: ModelArtifactRef
) -> ArtifactVersionResponse:
    """The artifact version a model artifact input names, as things stand now."""
    if ref.model_version is None:  # the version this run made or uses for that model
        version = ctx.model_version_by_key(ref.model_name)
    else:
        version = ctx.store.get_model_version(ref.model_name, ref.model_version)
    found = version.find_artifact(ref.artifact_name, ref.artifact_version, ref.kind)
    if found is None:
        raise ModelArtifactNotFoundError(
            f"Input '{input_name}' of step '{invocation_id}': "
            + version.missing_artifact(ref.artifact_name, ref.artifact_version)
        )
    return found  # type: ignore[no-any-return]


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
        unmaterialized = _wants_versions(binding, annotation)
        loaded = [
            _unmaterialized(version) if unmaterialized else _load(version, ref, name)
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


def _origin(annotation: Any) -> Any:
    return get_origin(annotation) or annotation


def _wants_versions(binding: InputBinding, annotation: Any) -> bool:
    """Whether the input takes artifact versions rather than values: `UnmaterializedArtifact`
    for one artifact, `list[UnmaterializedArtifact]` (or a tuple) for a list of them."""
    if binding.kind != "artifact_list":
        return is_unmaterialized(annotation)
    args = get_args(annotation) if _origin(annotation) in (list, tuple) else ()
    return bool(args) and is_unmaterialized(args[0])


def _unmaterialized(version: ArtifactVersionResponse) -> Any:
    """The version record itself, as an `UnmaterializedArtifact`; its bytes stay unread."""
    from stepwell.artifacts.unmaterialized_artifact import UnmaterializedArtifact

    return UnmaterializedArtifact.from_version(version)


def _load(version: ArtifactVersionResponse, ref: ArtifactRef | None, name: str) -> Any:
    """An input's value: the whole artifact, or one element of it for a mapped step.

    A failure in the materializer's own code is reported as its (`Step x failed in
    materializer M (input 'name')`, the traceback from its frame on)."""
    materializer = version.materializer.replace(":", ".").rpartition(".")[2]
    with maybe_user_code(f"materializer {materializer} (input '{name}')"):
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
