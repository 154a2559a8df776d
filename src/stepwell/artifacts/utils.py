"""`save_artifact`, `load_artifact` and `register_artifact`: artifact versions by hand (read).

Outside a step they write at once: bytes into the active stack's artifact store, then the
record. Inside a step the worker only writes bytes (workers never write metadata); the saved
version travels back with the step's result and the orchestrating process records it as an
output of the step run, under the artifact's name (as ZenML links it), together with the
step's other outputs. If the step fails, nothing it saved is recorded and the bytes go.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stepwell.artifact_stores.base import BaseArtifactStore
from stepwell.compiler.spec import OutputDef
from stepwell.enums import ArtifactType
from stepwell.exceptions import EntityExistsError
from stepwell.execution.artifact_outputs import RegisteredOutput, discard_bytes, tag_recorded
from stepwell.execution.outputs import (
    SavedOutput,
    storage_size_metadata,
    version_fields,
    write_value,
)
from stepwell.steps.step_context import get_step_context, in_running_step
from stepwell.utils.sources import get_source

if TYPE_CHECKING:
    from stepwell.store.base import Store
    from stepwell.store.models import ArtifactVersionResponse

CUSTOM_ARTIFACTS = "custom_artifacts"


class UnrecordedArtifactVersion:
    """What `save_artifact` returns inside a step: the version is recorded, with its number,
    when the step succeeds. Its bytes are complete already, so `load()` works."""

    def __init__(self, saved: SavedOutput) -> None:
        self.name = saved.artifact_name
        self.uri = saved.uri
        self.version = saved.version
        self.materializer = saved.materializer
        self.data_type = saved.data_type
        self.digest = saved.digest
        self.load_options = saved.load_options
        # Chosen now and used when the step's outputs are recorded, so the step can link it
        # (`link_artifact_to_model`) or name it before it is recorded.
        self.id = saved.version_id

    def load(self) -> Any:
        from stepwell.materializers.load_policy import load_record
        from stepwell.materializers.loading import load_artifact

        return load_artifact(self.uri, self.materializer, self.data_type, record=load_record(self))

    def __repr__(self) -> str:
        return f"UnrecordedArtifactVersion(name={self.name!r}, uri={self.uri!r})"


def save_artifact(
    data: Any,
    name: str,
    version: int | str | None = None,
    artifact_type: ArtifactType | None = None,
    tags: list[str] | None = None,
    extract_metadata: bool = True,
    include_visualizations: bool = True,
    user_metadata: dict[str, Any] | None = None,
    materializer: Any = None,
    uri: str | None = None,
) -> ArtifactVersionResponse | UnrecordedArtifactVersion:
    """Save `data` as a new version of artifact `name` (a custom `version` must be new).

    `uri` (relative to the artifact store, or a full path inside it) places the bytes;
    by default they go to `custom_artifacts/<name>/<random id>`.
    """
    context = get_step_context() if in_running_step() else None
    artifact_store = context.artifact_store if context is not None else None
    if artifact_store is None:
        artifact_store = active_artifact_store()
    target = _target_uri(artifact_store, name, uri)
    out = OutputDef(
        name=name,
        artifact_name=name,
        has_custom_name=True,
        materializer=_materializer_source(materializer),
        version=None if version is None else str(version),
        tags=tuple(tags or ()),
        run_metadata=dict(user_metadata or {}),
        artifact_type=ArtifactType(artifact_type).value if artifact_type else None,
    )
    saved = write_value(
        artifact_store, out, data, None, target, {}, visualize=include_visualizations
    )
    if not extract_metadata:  # no metadata from the data; its stored size is known anyway
        saved.metadata = {**storage_size_metadata(saved.size), **dict(user_metadata or {})}
    if context is not None:
        saved.version_id = uuid.uuid4()
        context.manual_outputs.append(saved)
        return UnrecordedArtifactVersion(saved)
    return _record(saved, artifact_store)


def load_artifact(name_or_id: str | uuid.UUID, version: int | str | None = None) -> Any:
    """The value of an artifact version: by artifact name (the latest, or `version`) or id."""
    from stepwell.client import Client

    return Client().get_artifact_version(name_or_id, version).load()


def register_artifact(
    folder_or_file_uri: str,
    name: str,
    version: int | str | None = None,
    artifact_type: ArtifactType | None = None,
    tags: list[str] | None = None,
    has_custom_name: bool = True,
    artifact_metadata: dict[str, Any] | None = None,
) -> ArtifactVersionResponse | UnrecordedArtifactVersion:
    """Record a file or folder already in the artifact store as a version of `name`, in
    place (nothing is copied). It loads as a local `Path` to a copy of the data."""
    from stepwell.materializers.fingerprint import fingerprint
    from stepwell.materializers.preexisting_data_materializer import (
        PreexistingDataMaterializer,
    )

    context = get_step_context() if in_running_step() else None
    artifact_store = context.artifact_store if context is not None else None
    if artifact_store is None:
        artifact_store = active_artifact_store()
    uri = _inside_store(artifact_store, folder_or_file_uri)
    if not artifact_store.exists(uri):
        raise FileNotFoundError(f"Nothing to register at '{folder_or_file_uri}': no such path.")
    found = fingerprint(artifact_store, uri)
    saved = RegisteredOutput(
        name=name,
        artifact_name=name,
        has_custom_name=has_custom_name,
        uri=uri,
        data_type=get_source(Path),
        materializer=get_source(PreexistingDataMaterializer),
        artifact_type=ArtifactType(artifact_type or ArtifactType.DATA).value,
        content_hash=found.content_hash,
        size=found.size,
        digest=found.digest_of_folder(artifact_store, uri),
        metadata={**storage_size_metadata(found.size), **dict(artifact_metadata or {})},
        version=None if version is None else str(version),
        tags=list(tags or ()),
    )
    if context is not None:
        saved.version_id = uuid.uuid4()
        context.manual_outputs.append(saved)
        return UnrecordedArtifactVersion(saved)
    return _record(saved, artifact_store)


def active_artifact_store() -> BaseArtifactStore:
    """The active stack's artifact store (where runs started here write)."""
    from stepwell.runs.resolve import run_stack, stack_artifact_store

    return stack_artifact_store(run_stack())


def _record(saved: SavedOutput, artifact_store: BaseArtifactStore) -> ArtifactVersionResponse:
    """Record a version saved outside a step; a taken custom version discards its bytes."""
    store = _store()
    try:
        response = store.create_artifact_version(**version_fields(saved, None))
    except EntityExistsError:
        discard_bytes(artifact_store, [saved])
        raise
    tag_recorded(store, {saved.name: [response]}, [saved])
    return response


def _store() -> Store:
    from stepwell.client import Client

    return Client().store


def _materializer_source(materializer: Any) -> str | None:
    if materializer is None or isinstance(materializer, str):
        return materializer
    return get_source(materializer)


def _target_uri(artifact_store: BaseArtifactStore, name: str, uri: str | None) -> str:
    """Where `save_artifact` writes: `uri` inside the store (relative paths are joined to
    its root), else a fresh folder under `custom_artifacts/<name>/`; never an existing path."""
    if uri:
        target = _inside_store(artifact_store, uri, relative_ok=True)
    else:
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name).strip(".") or "_"
        target = artifact_store.join(artifact_store.path, CUSTOM_ARTIFACTS, safe, uuid.uuid4().hex)
    if artifact_store.exists(target):
        raise EntityExistsError(
            f"Something is already stored at '{target}'; artifact bytes are never overwritten. "
            "Pass another uri=..., or leave it out to get a fresh location."
        )
    return target


def _inside_store(artifact_store: BaseArtifactStore, uri: str, relative_ok: bool = False) -> str:
    """`uri` as a full path inside the artifact store; outside it is FileNotFoundError."""
    root = artifact_store.path
    if uri.startswith("file://"):
        uri = uri.removeprefix("file://")
    if relative_ok and "://" not in uri and not uri.startswith(("/", root)):
        return artifact_store.join(root, uri)
    full = uri if "://" in uri or not artifact_store.is_local else str(Path(uri).absolute())
    if full.rstrip("/") != root and not full.startswith(root.rstrip("/") + "/"):
        raise FileNotFoundError(
            f"'{uri}' is outside the artifact store at '{root}'; artifacts live inside it. "
            "Copy the data there first (see stepwell.io.fileio.copy)."
        )
    return full


__all__ = ["load_artifact", "register_artifact", "save_artifact"]
