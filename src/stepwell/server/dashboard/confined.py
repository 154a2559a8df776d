"""Reading files the store's rows name, but only inside the artifact stores (server).

A step run's `logs_uri` and a visualization's `uri` are paths written into the shared store
by whoever ran the pipeline; the server must not read any file they name (its own secret,
`/etc/passwd`). `read_inside` reads a path only when it lies inside one of the known
artifact-store roots (`store/artifact_roots`), and inside that root's `logs/` folder for
logs. Local paths are compared after resolving symlinks, so a link planted in the store
cannot lead outside it; remote URLs are compared after folding `..`.
"""

from __future__ import annotations

import os
import posixpath
from typing import Any

from stepwell.artifact_stores.base import artifact_store_for_uri
from stepwell.artifact_stores.containment import LOGS_FOLDER, RESERVED_FOLDERS
from stepwell.exceptions import EntityNotFoundError
from stepwell.store.artifact_roots import known_artifact_roots

MAX_READ = 16 * 2**20


class OutsideArtifactStoreError(PermissionError):
    """A row names a file outside every known artifact store: the server will not read it."""


def _inside_local(root: str, uri: str, area: str | None) -> bool:
    path = os.path.realpath(uri.removeprefix("file://"))
    base = os.path.realpath(root)
    relative = os.path.relpath(path, base)
    if relative == os.curdir or relative.split(os.sep)[0] == os.pardir:
        return False
    first = relative.split(os.sep)[0]
    return first == area if area else first not in RESERVED_FOLDERS


def _inside_remote(root: str, uri: str, area: str | None) -> bool:
    scheme, _, rest = uri.partition("://")
    root_scheme, _, root_rest = root.partition("://")
    if scheme != root_scheme:
        return False
    path = posixpath.normpath("/" + rest).strip("/")
    base = root_rest.strip("/")
    if not path.startswith(base + "/"):
        return False
    first = path[len(base) + 1 :].split("/")[0]
    return first == area if area else first not in RESERVED_FOLDERS


def inside_artifact_store(roots: list[str], uri: str, area: str | None) -> bool:
    """Whether `uri` lies inside one of `roots` (in its `area` folder, if given)."""
    remote = "://" in uri and not uri.startswith("file://")
    for root in roots:
        if ("://" in root) != remote:
            continue
        if (_inside_remote if remote else _inside_local)(root, uri, area):
            return True
    return False


def read_inside(store: Any, uri: str, *, logs: bool = False, offset: int = 0) -> bytes:
    """The bytes of `uri` from `offset` (at most `MAX_READ`), if it lies inside a known
    artifact store (its `logs/` folder when `logs`); b"" if the file does not exist (yet)."""
    area = LOGS_FOLDER if logs else None
    if not inside_artifact_store(known_artifact_roots(store), uri, area):
        where = "the logs folder of " if logs else ""
        raise OutsideArtifactStoreError(
            f"'{uri}' is not inside {where}a known artifact store; the server reads files "
            "only there. Register the artifact store as a stack component on the server."
        )
    if "://" not in uri or uri.startswith("file://"):
        # The resolved path that was checked, its last part not followed if a link.
        return _read_local(os.path.realpath(uri.removeprefix("file://")), logs, offset)
    artifact_store = artifact_store_for_uri(uri)
    if not artifact_store.exists(uri):
        return _missing(uri, logs)
    with artifact_store.open(uri, "rb") as handle:
        if offset:
            handle.seek(offset)
        return bytes(handle.read(MAX_READ))


def _read_local(path: str, logs: bool, offset: int) -> bytes:
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return _missing(path, logs)
    with os.fdopen(descriptor, "rb") as handle:
        if offset:
            handle.seek(offset)
        return handle.read(MAX_READ)


def _missing(uri: str, logs: bool) -> bytes:
    if logs:  # not written yet: a step that has not started, or logs turned off
        return b""
    raise EntityNotFoundError(f"The file '{uri}' is gone from the artifact store.")
