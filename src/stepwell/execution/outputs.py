"""Split a step's return value into outputs and save each as a new artifact version.

Part of launch. Bytes are written to a staging folder and moved into place before the
artifact version record is committed, so a crash never leaves a visible half-written
artifact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from stepwell.artifact_stores.base import BaseArtifactStore
from stepwell.compiler.spec import InvocationSpec, OutputDef
from stepwell.enums import ArtifactType
from stepwell.exceptions import OutputTypeError
from stepwell.execution.store_errors import store_write_errors
from stepwell.execution.user_code import user_code
from stepwell.execution.visualizations import save_visualizations
from stepwell.steps.base_step import BaseStep
from stepwell.steps.type_checks import describe, value_matches
from stepwell.store.base import Store
from stepwell.store.models import ArtifactVersionResponse
from stepwell.utils.durable_sources import durable_source
from stepwell.utils.sources import load_source

STORAGE_SIZE_KEY = "storage_size"


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


def output_uris(artifact_store: BaseArtifactStore, invocation: InvocationSpec) -> dict[str, str]:
    """A fresh artifact-store location for each output of this step run."""
    return {
        out.name: artifact_store.new_artifact_uri(invocation.id, out.name)
        for out in invocation.outputs
    }


@dataclass
class SavedOutput:
    """An output whose bytes are in the artifact store but not yet recorded (picklable)."""

    name: str
    artifact_name: str
    has_custom_name: bool
    uri: str
    data_type: str
    materializer: str
    artifact_type: str
    content_hash: str
    size: int
    metadata: dict[str, Any] = field(default_factory=dict)
    # [{"uri": ..., "type": "html" | ...}]: files beside the artifact that show it.
    visualizations: list[dict[str, str]] = field(default_factory=list)
    version: str | None = None  # a custom version (`ArtifactConfig`): a number or a name
    tags: list[str] = field(default_factory=list)
    # "<algorithm>:<hex>" of the bytes (checked before loading) and how they may be read.
    digest: str | None = None
    load_options: dict[str, Any] | None = None
    # The id its record will get, chosen up front where the step must name the version
    # before it is recorded (`save_artifact` in a step); None: the store chooses.
    version_id: UUID | None = None


def save_output_bytes(
    artifact_store: BaseArtifactStore,
    step: BaseStep[Any, Any],
    invocation: InvocationSpec,
    values: dict[str, Any],
    uris: dict[str, str],
    metadata: dict[str, dict[str, Any]] | None = None,
) -> list[SavedOutput]:
    """Write every output's bytes (atomically, each in its own folder); record nothing."""
    saved = []
    visualize = invocation.config.enable_artifact_visualization is not False
    for out in invocation.outputs:
        annotation = step.outputs[out.name].annotation if out.name in step.outputs else None
        saved.append(
            write_value(
                artifact_store,
                out,
                values[out.name],
                annotation,
                uris[out.name],
                (metadata or {}).get(out.name, {}),
                visualize=visualize,
            )
        )
    return saved


def write_value(
    artifact_store: BaseArtifactStore,
    out: OutputDef,
    value: Any,
    annotation: Any,
    uri: str,
    extra_metadata: dict[str, Any],
    visualize: bool = True,
) -> SavedOutput:
    """Write one value's bytes through its materializer into a staged folder at `uri`.

    The content hash and size are taken before visualizations are written beside the
    bytes, so they describe the data alone: turning visualizations on or off changes
    neither an artifact's hash nor the cache keys of the steps that read it. The same pass
    over the bytes gives the cryptographic digest that loading checks.
    """
    from stepwell.materializers.fingerprint import fingerprint

    materializer_cls = _materializer_class(out, value, annotation)
    visualizations: list[dict[str, str]] = []
    with (
        store_write_errors(artifact_store, out.name, out.artifact_name),
        artifact_store.staged_directory(uri) as staging,
    ):
        materializer = materializer_cls(staging, artifact_store)
        with user_code(f"materializer {materializer_cls.__name__} (output '{out.name}')"):
            materializer.save(value)
            metadata = dict(materializer.extract_metadata(value) or {})
        found = fingerprint(artifact_store, staging)
        if visualize:
            visualizations = save_visualizations(materializer, value, uri, out.artifact_name)
        digest = found.digest_of_folder(artifact_store, staging)  # reads only new files
    metadata = {**storage_size_metadata(found.size), **metadata}
    metadata.update(out.run_metadata)
    metadata.update(extra_metadata)
    return SavedOutput(
        name=out.name,
        artifact_name=out.artifact_name,
        has_custom_name=out.has_custom_name,
        uri=uri,
        data_type=_type_source(type(value)),
        materializer=durable_source(materializer_cls),
        artifact_type=out.artifact_type or str(materializer_cls.ASSOCIATED_ARTIFACT_TYPE.value),
        content_hash=found.content_hash,
        size=found.size,
        metadata=_jsonable(metadata),
        visualizations=visualizations,
        version=out.version,
        tags=list(out.tags),
        digest=digest,
        load_options=dict(materializer.load_options) if materializer.load_options else None,
    )


def storage_size_metadata(size: int) -> dict[str, Any]:
    """`storage_size`: the bytes an artifact version stores (as ZenML records it), from the
    fingerprint pass over them; metadata a materializer or the user gives overrides it. It
    is run metadata only: cache keys use the content hash, never metadata."""
    from stepwell.metadata.metadata_types import StorageSize

    return {STORAGE_SIZE_KEY: StorageSize(size)}


def clear_hand_written(
    artifact_store: BaseArtifactStore, uris: dict[str, str], names: set[str]
) -> None:
    """Remove what a step wrote at its outputs' URIs through `get_output_materializer`: the
    returned values are saved there next, and a failed step's hand-written bytes must go."""
    for name in sorted(names):
        if name in uris:
            artifact_store.remove(uris[name])


def version_fields(item: SavedOutput, step_run_id: UUID | None) -> dict[str, Any]:
    """The artifact-version record of one saved output."""
    return {
        "name": item.artifact_name,
        "uri": item.uri,
        "data_type": item.data_type,
        "materializer": item.materializer,
        "has_custom_name": item.has_custom_name,
        "type": ArtifactType(item.artifact_type),
        "content_hash": item.content_hash,
        "size": item.size,
        "producer_step_run_id": step_run_id,
        "run_metadata": item.metadata,
        "visualizations": item.visualizations,
        "version": item.version,
        "digest": item.digest,
        "load_options": item.load_options,
        **({"id": item.version_id} if item.version_id is not None else {}),
    }


def save_artifact_version(
    store: Store,
    artifact_store: BaseArtifactStore,
    out: OutputDef,
    value: Any,
    annotation: Any,
    uri: str,
) -> ArtifactVersionResponse:
    """Write a value and record it at once (values saved outside a step, e.g. external inputs)."""
    saved = write_value(artifact_store, out, value, annotation, uri, {})
    return store.create_artifact_version(**version_fields(saved, None))


def _materializer_class(out: OutputDef, value: Any, annotation: Any) -> Any:
    if out.materializer:
        return load_source(out.materializer)
    from stepwell.materializers.registry import materializer_registry

    return materializer_registry.get_materializer_for_value(value, annotation)


def _type_source(data_type: type) -> str:
    try:
        return durable_source(data_type)
    except Exception:
        return "builtins:object"


def _jsonable(metadata: dict[str, Any]) -> dict[str, Any]:
    """Metadata the store can keep: typed values (`Uri`, `StorageSize`, ...) stay as they are,
    so they read back with their type; anything else becomes JSON (a string at worst)."""
    from stepwell.metadata.metadata_types import coerced_metadata

    return coerced_metadata(metadata)
