"""Removing code archives, and their unpacked copies, that no snapshot references.

Archives are content-addressed (`<root>/code/<digest>.zip`), so snapshots of an unchanged
tree share one; a triggered run unpacks it into the home folder's `code_cache/<digest>`.
Deleting a snapshot removes its archive and unpacked copy once no other snapshot names that
archive; `prune_code` sweeps the local artifact stores' `code/` folders and the code cache
for leftovers. Removal goes through `remove_inside`, so a snapshot row edited to name some
other path removes nothing outside the artifact stores' `code/` folders.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from stepwell.artifact_stores.containment import CODE_FOLDER, remove_inside
from stepwell.config.environment import home_folder
from stepwell.snapshots.archive_extract import digest_from_name
from stepwell.store.artifact_roots import known_artifact_roots
from stepwell.store.base import Store

# Younger archives may belong to a snapshot being created right now (bytes first, then the
# record), so the sweep leaves them for the next one.
MIN_AGE_SECONDS = 3600.0


def _normal(uri: str) -> str:
    uri = uri.removeprefix("file://")
    return uri if "://" in uri else os.path.abspath(uri)


def referenced_archives(store: Store) -> set[str]:
    """The code archives some snapshot still names."""
    snapshots = store.list_snapshots(size=1_000_000).items
    return {_normal(s.code_uri) for s in snapshots if s.code_uri}


def code_cache() -> Path:
    """Where triggered runs unpack code archives."""
    return home_folder() / "code_cache"


def remove_code_of(store: Store, code_uri: str) -> bool:
    """After a snapshot is deleted: remove its archive and unpacked copy if no snapshot
    references that archive any more. True if they were removed."""
    if _normal(code_uri) in referenced_archives(store):
        return False
    removed = remove_inside(known_artifact_roots(store), code_uri, CODE_FOLDER)
    _remove_cached(digest_from_name(code_uri))
    return removed


def prune_code(store: Store, min_age_seconds: float = MIN_AGE_SECONDS) -> list[str]:
    """Remove the archives in the local artifact stores' `code/` folders that no snapshot
    references (and are older than `min_age_seconds`), and every unpacked copy whose archive
    no snapshot references. Returns the archives removed."""
    referenced = referenced_archives(store)
    roots = known_artifact_roots(store)
    deadline = time.time() - min_age_seconds
    removed = []
    for root in roots:
        folder = os.path.join(root, CODE_FOLDER)
        if "://" in root or not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            if not name.endswith(".zip") or path in referenced:
                continue
            if os.lstat(path).st_mtime > deadline:
                continue
            if remove_inside(roots, path, CODE_FOLDER):
                removed.append(path)
    kept_digests = {digest_from_name(uri) for uri in referenced}
    cache = code_cache()
    if cache.is_dir():
        for entry in cache.iterdir():
            if not entry.name.startswith(".") and entry.name not in kept_digests:
                _remove_cached(entry.name)
    return removed


def _remove_cached(digest: str) -> None:
    if digest and all(c in "0123456789abcdef" for c in digest):
        folder = code_cache() / digest
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)
