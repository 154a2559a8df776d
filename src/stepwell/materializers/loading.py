"""Loading, saving and hashing artifacts by reference, for the launcher and the store.

Role in the flow (launch -> materializer -> artifact store): the launcher calls
`save_artifact` to write an output and `content_hash` to fingerprint the written folder;
`ArtifactVersionResponse.load()` and step inputs call `load_artifact` with the recorded
materializer and data-type sources, so a value can be read back in any process.
"""

from __future__ import annotations

import json
import logging
import mmap
from typing import Any

import xxhash

from stepwell.artifact_stores.base import BaseArtifactStore
from stepwell.exceptions import MaterializerError
from stepwell.materializers.base_materializer import BaseMaterializer
from stepwell.utils.sources import get_source, load_source

logger = logging.getLogger(__name__)

HASH_PREFIX = "xxh3_128:"
_CHUNK = 8 * 1024 * 1024
# Types that `get_source` names but that no module exposes under that name.
_SPECIAL_TYPES: dict[str, type] = {
    "builtins:NoneType": type(None),
    "types:NoneType": type(None),
    "builtins:ellipsis": type(Ellipsis),
}


def data_type_source(data_type: type) -> str:
    """The source reference to record for a value's type (inverse of `load_data_type`)."""
    return get_source(data_type)


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
        raise MaterializerError(f"Cannot import materializer '{source}': {error}") from error
    if not (isinstance(loaded, type) and issubclass(loaded, BaseMaterializer)):
        raise MaterializerError(f"'{source}' names {loaded!r}, which is not a materializer class.")
    return loaded


def load_artifact(
    uri: str,
    materializer_source: str,
    data_type_source: str,
    artifact_store: BaseArtifactStore | None = None,
) -> Any:
    """Read the artifact stored at `uri` with the materializer that saved it."""
    materializer_cls = load_materializer_class(materializer_source)
    data_type = load_data_type(data_type_source)
    return materializer_cls(uri, artifact_store).load(data_type)


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

    Files go in sorted order of their `/`-separated relative paths, so the same folder hashes
    the same on any store and platform.
    """
    if not artifact_store.exists(uri):
        raise MaterializerError(f"Cannot hash '{uri}': nothing is stored there.")
    hasher = xxhash.xxh3_128()
    total = 0
    for name, size, full in artifact_store.walk_files(uri):
        hasher.update(f"{name}\0{size}\0".encode())
        total += size
        if artifact_store.is_local:
            _hash_local_file(hasher, full, size)
        else:
            with artifact_store.fs.open(full, "rb") as handle:
                while chunk := handle.read(_CHUNK):
                    hasher.update(chunk)
    return HASH_PREFIX + hasher.hexdigest(), total


def _hash_local_file(hasher: Any, path: str, size: int) -> None:
    """Feed a local file to `hasher`: memory-mapped (no copy out of the page cache) when
    possible, else read in large blocks."""
    with open(path, "rb", buffering=0) as handle:
        if size > 0:
            try:
                with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                    hasher.update(mapped)
                return
            except (OSError, ValueError):  # e.g. a filesystem that cannot map files
                handle.seek(0)
        buffer = bytearray(_CHUNK)
        view = memoryview(buffer)
        while read := handle.readinto(buffer):
            hasher.update(view[:read])
