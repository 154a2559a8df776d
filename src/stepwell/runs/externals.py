"""External step inputs saved when a run starts: values, ids and artifact versions (runs).

Installed around every pipeline and single-step call (see `runtime`): while the pipeline
function is traced, `ExternalArtifact(value=...)` is saved once, before any step runs, and an
artifact version record passed to a step becomes an input bound to that version. Saving is
content-addressed: the artifact is named after a digest of the bytes, materializer and type,
so the same value given twice (in one run or across runs) is one version, and the steps that
read it stay cacheable.
"""

from __future__ import annotations

import hashlib
from typing import Any

from stepwell.artifact_stores.base import BaseArtifactStore
from stepwell.artifacts.external_artifact import ExternalArtifact as UserExternalArtifact
from stepwell.compiler.placeholders import ExternalArtifact
from stepwell.compiler.spec import OutputDef
from stepwell.exceptions import EntityNotFoundError
from stepwell.execution.artifact_outputs import discard_bytes
from stepwell.execution.outputs import version_fields, write_value
from stepwell.steps.type_checks import is_unmaterialized
from stepwell.store.base import Store
from stepwell.store.models import ArtifactVersionResponse
from stepwell.utils.sources import get_source

EXTERNAL_PREFIX = "external_"


def resolve_external(step: Any, input_name: str, value: Any) -> ExternalArtifact | None:
    """The placeholder for an external input, saving a value first; None for other values."""
    if isinstance(value, ArtifactVersionResponse):
        return ExternalArtifact(str(value.id))
    if not isinstance(value, UserExternalArtifact):
        return None
    if value.id is not None:
        return ExternalArtifact(str(value.id))
    from stepwell.runs.resolve import run_stack, stack_artifact_store
    from stepwell.store.active import get_store

    inputs = getattr(step, "inputs", {})
    annotation = inputs[input_name].annotation if input_name in inputs else None
    if is_unmaterialized(annotation):
        annotation = None  # the step reads the version, so save the value by its own type
    version = save_external_value(
        get_store(),
        stack_artifact_store(run_stack()),
        value.value,
        annotation=annotation,
        materializer=value.materializer,
        visualize=value.store_artifact_visualizations,
    )
    return ExternalArtifact(str(version.id))


def save_external_value(
    store: Store,
    artifact_store: BaseArtifactStore,
    value: Any,
    *,
    annotation: Any = None,
    materializer: Any = None,
    visualize: bool = True,
) -> ArtifactVersionResponse:
    """Save `value` as an external artifact, or return the version that holds the same bytes."""
    source = materializer if materializer is None or isinstance(materializer, str) else None
    if source is None and materializer is not None:
        source = get_source(materializer)
    uri = artifact_store.new_artifact_uri("external")
    out = OutputDef(name="external", artifact_name="external", materializer=source)
    saved = write_value(artifact_store, out, value, annotation, uri, {}, visualize=visualize)
    identity = f"{saved.content_hash}\0{saved.materializer}\0{saved.data_type}"
    saved.artifact_name = EXTERNAL_PREFIX + hashlib.sha256(identity.encode()).hexdigest()[:32]
    try:
        existing = store.get_artifact_version(saved.artifact_name)
    except EntityNotFoundError:
        return store.create_artifact_version(**version_fields(saved, None))
    discard_bytes(artifact_store, [saved])  # the same bytes are stored already
    return existing
