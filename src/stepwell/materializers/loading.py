"""Loading, saving and hashing artifacts by reference, for the launcher and the store.

Role in the flow (launch -> materializer -> artifact store): the launcher calls
`save_artifact` to write an output and `content_hash` to fingerprint the written folder;
`ArtifactVersionResponse.load()` and step inputs call `load_artifact` with the recorded
materializer and data-type sources (and, through a `LoadRecord`, the recorded digest and
load options, checked before any byte is deserialised), so a value can be read back in any
process.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from stepwell.artifact_stores.base import BaseArtifactStore, artifact_store_for_uri
from stepwell.exceptions import MaterializerError
from stepwell.materializers.base_materializer import BaseMaterializer
from stepwell.materializers.fingerprint import content_hash_and_size as fast_hash_and_size
from stepwell.materializers.load_policy import LoadRecord, check_bytes
from stepwell.utils.durable_sources import durable_source
from stepwell.utils.sources import load_source

logger = logging.getLogger(__name__)

# Types that `get_source` names but that no module exposes under that name.
_SPECIAL_TYPES: dict[str, type] = {
    "builtins:NoneType": type(None),
    "types:NoneType": type(None),
    "builtins:ellipsis": type(Ellipsis),
}


def data_type_source(data_type: type) -> str:
    """The source reference to record for a value's type (inverse of `load_data_type`)."""
    return durable_source(data_type)


def load_data_type(source: str) -> type:
    """The class named by `source`, or `object` when it cannot be imported here."""
    special = _SPECIAL_TYPES.get(source)
    if special is not None:
        return special
    try:
        loaded = load_source(source)
    except Exception as error:
        logger.debug("Data type '%s' is not importable (%s); loading as object.", source, error)
        return object
    return loaded if isinstance(loaded, type) else object


def load_materializer_class(source: str) -> type[BaseMaterializer]:
    """The materializer class named by `source`; MaterializerError when it is not one."""
    try:
        loaded = load_source(source)
    except Exception as error:
        raise MaterializerError(_unimportable_message(source, error)) from error
    if not (isinstance(loaded, type) and issubclass(loaded, BaseMaterializer)):
        raise MaterializerError(f"'{source}' names {loaded!r}, which is not a materializer class.")
    return loaded


def _unimportable_message(source: str, error: Exception) -> str:
    """Why the materializer named by `source` cannot be loaded here, and what to do."""
    module_name, _, qualname = source.rpartition(":") if ":" in source else source.rpartition(".")
    if module_name == "__main__":
        return (
            f"Cannot import materializer '{source}': {qualname} was defined in the script, "
            "notebook or session that saved this artifact, and no other process can import "
            f"it from there. Define {qualname} in this process before loading (e.g. run "
            "the notebook cell that defines it), or move it into a module under your source "
            "root and save the artifact again."
        )
    cause = error.__cause__ or error  # the import's own error, not the wrapper's advice
    return (
        f"Cannot import materializer '{source}': {cause}. Load the artifact where module "
        f"'{module_name}' is importable: run Python from the folder that holds it (the "
        "source root it was saved from), or add that folder to sys.path / PYTHONPATH."
    )


def load_artifact(
    uri: str,
    materializer_source: str,
    data_type_source: str,
    artifact_store: BaseArtifactStore | None = None,
    *,
    record: LoadRecord | None = None,
) -> Any:
    """Read the artifact stored at `uri` with the materializer that saved it.

    With a `record` (what the store says about this version), the bytes are checked against
    its digest first, and the materializer reads them as its load options allow.
    """
    store = artifact_store or artifact_store_for_uri(uri)
    if record is not None:
        check_bytes(store, uri, record)
    materializer_cls = load_materializer_class(materializer_source)
    data_type = load_data_type(data_type_source)
    materializer = materializer_cls(uri, store)
    if record is not None:
        materializer.load_options = record.load_options
        materializer.artifact_label = record.label
    return materializer.load(data_type)


def save_artifact(
    value: Any,
    uri: str,
    materializer_cls: type[BaseMaterializer],
    artifact_store: BaseArtifactStore | None = None,
) -> dict[str, Any]:
    """Save `value` under `uri` and return its JSON-able metadata (never fails on metadata)."""
    materializer = materializer_cls(uri, artifact_store)
    materializer.save(value)
    try:
        metadata = materializer.extract_metadata(value) or {}
        return dict(json.loads(json.dumps(metadata, default=str)))
    except Exception as error:
        logger.warning("%s could not extract metadata: %s", materializer_cls.__qualname__, error)
        return {}


def content_hash(artifact_store: BaseArtifactStore, uri: str) -> str:
    """A fingerprint of every file under `uri`: relative paths, sizes and bytes."""
    return content_hash_and_size(artifact_store, uri)[0]


def content_hash_and_size(artifact_store: BaseArtifactStore, uri: str) -> tuple[str, int]:
    """The content hash of `uri` (see `content_hash`) and its total size, in one listing.

    Where bytes are written, `fingerprint.fingerprint` gives this and the digest in one pass.
    """
    return fast_hash_and_size(artifact_store, uri)
