"""Removal that never leaves the artifact stores (store layer, below the Client's deletes).

The metadata store may be shared, and whoever can write to it can edit the paths its rows
name (`artifact_versions.uri`, `step_runs.logs_uri`, `snapshots.code_uri`). Deleting a run,
an artifact version or a snapshot must therefore never trust such a path: `remove_inside`
removes it only when it lies strictly inside one of the known artifact-store roots (and,
for logs and code archives, inside that root's own folder for them). Anything else is left
alone and named in a warning.

Locally the path is checked lexically (after folding `..`), then reached from the root one
folder at a time with `O_NOFOLLOW`, so a symlink planted on the way (even one swapped in
after the check) cannot lead the removal elsewhere; a symlink that is itself the target is
unlinked, never followed; folders are removed with `shutil.rmtree(dir_fd=...)`, which does
not follow symlinks inside them either.
"""

from __future__ import annotations

import logging
import os
import posixpath
import shutil
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path

from stepwell.artifact_stores.base import artifact_store_for_uri

# A child of the `stepwell` logger, which shows its records; `stepwell.logger` itself reads
# the configuration, a layer this one does not import.
logger = logging.getLogger(__name__)

LOGS_FOLDER = "logs"
CODE_FOLDER = "code"
# Folders of a root that hold stepwell's own files: an artifact path never names them.
RESERVED_FOLDERS = frozenset({LOGS_FOLDER, CODE_FOLDER})


def usable_roots(roots: Iterable[str]) -> list[str]:
    """`roots` normalised, without duplicates and without roots too broad to trust (the
    filesystem root, the user's home folder or a folder above it)."""
    kept: list[str] = []
    for root in roots:
        normal = _normal_root(root)
        if normal is None:
            logger.warning(
                "Not treating %s as an artifact store for removals: it is the filesystem "
                "root or holds the home folder. Give the artifact store a folder of its own.",
                root,
            )
        elif normal not in kept:
            kept.append(normal)
    return kept


def remove_inside(roots: Sequence[str], uri: str, area: str | None = None) -> bool:
    """Remove the file or folder `uri` if it lies inside one of `roots`; True if it did (or
    it was already gone), False (with a warning naming it) if it was left alone.

    `area` (e.g. `"logs"`) confines the removal to that folder of the root; without it, the
    root's reserved folders (`logs/`, `code/`) are out of bounds.
    """
    for root in roots:
        if "://" in root:
            target = _remote_target(root, uri, area)
            if target is not None:
                # The configured store of that root, if any: its endpoint and credentials.
                store = artifact_store_for_uri(target)
                if store.fs.exists(target):
                    store.fs.rm(target, recursive=True)
                return True
            continue
        parts = _local_parts(root, uri, area)
        if parts is not None:
            try:
                _remove_local(root, parts)
            except OSError as error:
                logger.warning(
                    "Not removing %s: %s. A folder on its way inside the artifact store %s "
                    "is a symlink or is missing, so the path might lead outside the store.",
                    uri,
                    error,
                    root,
                )
                return False
            return True
    where = f"the '{area}/' folder of " if area else ""
    logger.warning(
        "Not removing %s: it is not inside %sa known artifact store (%s). Its record was "
        "deleted; remove the path by hand if it is really stepwell's.",
        uri,
        where,
        ", ".join(roots) or "none registered",
    )
    return False


def _normal_root(root: str) -> str | None:
    if root.startswith("file://"):
        root = root.removeprefix("file://")
    if "://" in root:
        scheme, rest = root.split("://", 1)
        rest = posixpath.normpath("/" + rest).strip("/")
        return f"{scheme}://{rest}" if rest else None
    real = os.path.realpath(os.path.expanduser(root))
    home = os.path.realpath(Path.home())
    if real == os.sep or home == real or home.startswith(real.rstrip(os.sep) + os.sep):
        return None
    return os.path.abspath(os.path.expanduser(root))


def _allowed(parts: Sequence[str], area: str | None) -> bool:
    if area is not None:
        return len(parts) >= 2 and parts[0] == area
    return bool(parts) and parts[0] not in RESERVED_FOLDERS


def _local_parts(root: str, uri: str, area: str | None) -> list[str] | None:
    """The components of `uri` below `root` (as spelled or resolved), if it is inside."""
    if uri.startswith("file://"):
        uri = uri.removeprefix("file://")
    if "://" in uri:
        return None
    target = os.path.abspath(uri)  # folds `..` without asking the filesystem
    for base in dict.fromkeys((root, os.path.realpath(root))):
        relative = os.path.relpath(target, base)
        if relative == os.curdir or relative.split(os.sep)[0] == os.pardir:
            continue
        parts = relative.split(os.sep)
        return parts if _allowed(parts, area) else None
    return None


def _remove_local(root: str, parts: Sequence[str]) -> None:
    """Remove `root/parts...` reaching it from the root without following any symlink."""
    flags = os.O_RDONLY | os.O_DIRECTORY
    try:
        folder = os.open(os.path.realpath(root), flags)
    except FileNotFoundError:
        return
    try:
        for part in parts[:-1]:
            try:
                inner = os.open(part, flags | os.O_NOFOLLOW, dir_fd=folder)
            except FileNotFoundError:
                return
            os.close(folder)
            folder = inner
        name = parts[-1]
        try:
            info = os.lstat(name, dir_fd=folder)
        except FileNotFoundError:
            return
        if stat.S_ISDIR(info.st_mode):
            shutil.rmtree(name, dir_fd=folder)
        else:
            os.unlink(name, dir_fd=folder)
    finally:
        os.close(folder)


def _remote_target(root: str, uri: str, area: str | None) -> str | None:
    """`uri` normalised, if it names something inside the remote `root`."""
    if "://" not in uri:
        return None
    scheme, rest = uri.split("://", 1)
    root_scheme, root_rest = root.split("://", 1)
    if scheme != root_scheme:
        return None
    path = posixpath.normpath("/" + rest).strip("/")
    base = root_rest.strip("/")
    if not path.startswith(base + "/"):
        return None
    parts = path[len(base) + 1 :].split("/")
    # Keep the URL's own leading slashes (`proto:///abs/path` is a local-style absolute path
    # for some filesystems, `s3://bucket/key` has none): only `..` and doubled slashes go.
    lead = rest[: len(rest) - len(rest.lstrip("/"))]
    return f"{scheme}://{lead}{path}" if _allowed(parts, area) else None
