"""Configured artifact stores this process knows, so a bare URI is read with the right options.

Readers of artifact bytes often hold only a URI (`ArtifactVersionResponse.load()`, a step
run's `.logs`, the CLI, the dashboard). A store whose filesystem needs options (an S3
endpoint, credentials from a secret) cannot be rebuilt from the URI alone, so every such
store remembers itself here when it is made (or unpickled in a worker), and
`artifact_store_for_uri` asks `store_for(uri)` first: the remembered store with the longest
root that holds the URI.

A URI under no remembered root may still belong to a registered stack component (a fresh
process loading an artifact of an earlier run). For that, a higher layer installs a finder
with `set_finder` (`stepwell/__init__.py` installs the stack layer's), which answers with
every configured store in the URI's bucket. It is asked at most once per bucket
(`scheme://host`) per process, so URIs of plain fsspec stores cost one lookup, not one per
read.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from stepwell.utils.fork_locks import fork_safe_lock

if TYPE_CHECKING:
    from stepwell.artifact_stores.base import BaseArtifactStore

# Given a URI, the configured stores whose roots lie in the URI's bucket (maybe none),
# best first (the one to use where several share a root).
Finder = Callable[[str], "list[BaseArtifactStore]"]

_lock = fork_safe_lock(sys.modules[__name__], "_lock")
_stores: dict[str, BaseArtifactStore] = {}
_asked: set[str] = set()
_finder: Finder | None = None


def remember(store: BaseArtifactStore) -> None:
    """Make `store` the one that reads and writes URIs under its root in this process."""
    with _lock:
        _stores[store.path.rstrip("/")] = store


def set_finder(finder: Finder | None) -> None:
    """Install the function that finds the configured store of a URI nobody remembered."""
    global _finder
    with _lock:
        _finder = finder
        _asked.clear()


def forget_all() -> None:
    """Forget every remembered store and which buckets the finder was asked about."""
    with _lock:
        _stores.clear()
        _asked.clear()


def store_for(uri: str) -> BaseArtifactStore | None:
    """The configured store whose root holds `uri`, or None (read it with default options)."""
    found = _remembered(uri)
    if found is not None or "://" not in uri:
        return found
    scheme, rest = uri.split("://", 1)
    bucket = f"{scheme}://{rest.split('/', 1)[0]}"
    with _lock:
        finder = _finder
        if finder is None or bucket in _asked:
            return None
        _asked.add(bucket)
    # The finder answers best first; of stores sharing a root, the last remembered wins.
    for store in reversed(finder(uri)):
        remember(store)
    return _remembered(uri)


def _remembered(uri: str) -> BaseArtifactStore | None:
    with _lock:
        roots = [root for root in _stores if uri == root or uri.startswith(root + "/")]
        return _stores[max(roots, key=len)] if roots else None
