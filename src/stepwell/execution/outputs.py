"""Split a step's return value into outputs and save each as a new artifact version.

Part of launch. Bytes are written to a staging folder and moved into place before the
artifact version record is committed, so a crash never leaves a visible half-written
artifact.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from stepwell.compiler.spec import InvocationSpec, OutputDef
from stepwell.exceptions import OutputTypeError
from stepwell.execution.run_context import RunContext
from stepwell.execution.user_code import user_code
from stepwell.steps.base_step import BaseStep
from stepwell.steps.type_checks import describe, value_matches
from stepwell.store.models import ArtifactVersionResponse
from stepwell.utils.sources import get_source, load_source


def split_outputs(step: BaseStep[Any, Any], invocation_id: str, returned: Any) -> dict[str, Any]:
    """The value of each declared output, checked against its annotation."""
    specs = list(step.outputs.values())
    if not specs:
        return {}
    if len(specs) == 1:
        values = {specs[0].name: returned}
    else:
        if not isinstance(returned, (tuple, list)) or len(returned) != len(specs):
            got = f"{len(returned)} values" if isinstance(returned, (tuple, list)) else "one value"
            raise OutputTypeError(
                f"Step '{invocation_id}' declares {len(specs)} outputs "
                f"({', '.join(s.name for s in specs)}) but returned {got}."
            )
        values = {spec.name: value for spec, value in zip(specs, returned, strict=True)}
    for spec in specs:
        value = values[spec.name]
        if not value_matches(value, spec.annotation):
            raise OutputTypeError(
                f"Output '{spec.name}' of step '{invocation_id}' is annotated "
                f"{describe(spec.annotation)}, but the step returned a {type(value).__name__}."
            )
    return values


def output_uris(ctx: RunContext, invocation: InvocationSpec) -> dict[str, str]:
    """A fresh artifact-store location for each output of this step run."""
    return {
        out.name: ctx.artifact_store.new_artifact_uri(invocation.id, out.name)
        for out in invocation.outputs
    }


def save_outputs(
    ctx: RunContext,
    step: BaseStep[Any, Any],
    invocation: InvocationSpec,
    values: dict[str, Any],
    uris: dict[str, str],
    step_run_id: UUID,
    metadata: dict[str, dict[str, Any]] | None = None,
) -> dict[str, list[ArtifactVersionResponse]]:
    """Save every output and record its artifact version."""
    saved: dict[str, list[ArtifactVersionResponse]] = {}
    for out in invocation.outputs:
        annotation = step.outputs[out.name].annotation if out.name in step.outputs else None
        version = save_artifact_version(
            ctx,
            out,
            values[out.name],
            annotation,
            uris[out.name],
            step_run_id,
            (metadata or {}).get(out.name, {}),
        )
        saved[out.name] = [version]
    return saved


def save_artifact_version(
    ctx: RunContext,
    out: OutputDef,
    value: Any,
    annotation: Any,
    uri: str,
    step_run_id: UUID | None,
    extra_metadata: dict[str, Any],
) -> ArtifactVersionResponse:
    """Write one value's bytes, then commit its artifact version record."""
    from stepwell.materializers.loading import content_hash

    materializer_cls = _materializer_class(out, value, annotation)
    store = ctx.artifact_store
    with store.staged_directory(uri) as staging:
        materializer = materializer_cls(staging, store)
        with user_code(f"materializer {materializer_cls.__name__} (output '{out.name}')"):
            materializer.save(value)
            metadata = dict(materializer.extract_metadata(value) or {})
    metadata.update(extra_metadata)
    return ctx.store.create_artifact_version(
        name=out.artifact_name,
        uri=uri,
        data_type=_type_source(type(value)),
        materializer=get_source(materializer_cls),
        has_custom_name=out.has_custom_name,
        type=materializer_cls.ASSOCIATED_ARTIFACT_TYPE,
        content_hash=content_hash(store, uri),
        size=store.size(uri),
        producer_step_run_id=step_run_id,
        run_metadata=_jsonable(metadata),
    )


def _materializer_class(out: OutputDef, value: Any, annotation: Any) -> Any:
    if out.materializer:
        return load_source(out.materializer)
    from stepwell.materializers.registry import materializer_registry

    return materializer_registry.get_materializer_for_value(value, annotation)


def _type_source(data_type: type) -> str:
    try:
        return get_source(data_type)
    except Exception:
        return "builtins:object"


def _jsonable(metadata: dict[str, Any]) -> dict[str, Any]:
    from pydantic_core import to_jsonable_python

    return dict(to_jsonable_python(metadata, fallback=str))
