"""The Client's sweep of artifact bytes that no record points to (read layer).

Two kinds of leftovers can exist after a process was killed or a store failed:

- bytes under *pending* locations: where a step announced its outputs would go, in the
  transaction that marked it running, but whose outputs were never recorded (the run died);
- *staging folders* (`.staging-*`, local stores) older than the oldest live run: a write
  that never got its final name.

Runs are checked for liveness first (a dead one is failed, which already removes its
pending bytes). Records first, bytes after; anything an artifact version records is never
touched. `Client().prune_artifacts()` and `stepwell artifact prune` call this.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from typing import Any

from stepwell.artifact_stores.base import STAGING_PREFIX, BaseArtifactStore
from stepwell.client.base import ClientBase
from stepwell.enums import ExecutionStatus
from stepwell.logger import get_logger
from stepwell.store.base import Store
from stepwell.store.liveness import checked
from stepwell.store.pending import Removed, clean_finished_runs, remove_location

logger = get_logger(__name__)

# A staging folder must also be this old: a `save_artifact` outside any run writes one too,
# and it belongs to no run that could tell us it is still being written.
STAGING_GRACE = timedelta(minutes=5)
_UNFINISHED = ",".join(status.value for status in ExecutionStatus if not status.is_finished)
_PAGE = 200


class OrphansMixin(ClientBase):
    """Removing artifact bytes that no record points to."""

    def prune_orphaned_bytes(self, staging_grace: timedelta = STAGING_GRACE) -> Removed:
        """Remove unrecorded bytes of ended runs and stale staging folders; say what went."""
        return sweep_orphans(self.store, staging_grace)


def sweep_orphans(store: Store, staging_grace: timedelta = STAGING_GRACE) -> Removed:
    """`prune_orphaned_bytes` over the active stack's artifact store."""
    return prune_orphaned_bytes(store, [_active_artifact_store(store)], staging_grace)


def prune_orphaned_bytes(
    store: Store,
    artifact_stores: list[BaseArtifactStore],
    staging_grace: timedelta = STAGING_GRACE,
) -> Removed:
    """Fail dead runs, remove the unrecorded bytes of every ended run, then the staging
    folders in `artifact_stores` older than the oldest live run (and `staging_grace`)."""
    oldest_live = _oldest_live_run(store)
    removed = clean_finished_runs(store)
    cutoff = datetime.now(timezone.utc) - staging_grace
    if oldest_live is not None:
        cutoff = min(cutoff, oldest_live)
    for artifact_store in artifact_stores:
        removed.add(_remove_stale_staging(artifact_store, cutoff))
    logger.info(
        "Removed %d unrecorded file(s) (%d bytes) from the artifact store.",
        removed.files,
        removed.bytes,
    )
    return removed


def _oldest_live_run(store: Store) -> datetime | None:
    """When the oldest run still running started (dead ones are failed on the way)."""
    oldest: datetime | None = None
    page = 1
    while True:
        runs = store.list_runs(
            status=f"in:{_UNFINISHED}", sort_by="asc:created", page=page, size=_PAGE
        )
        for run in runs.items:
            run = checked(store, run)
            if not run.status.is_finished:
                started = run.start_time or run.created
                oldest = started if oldest is None else min(oldest, started)
        if page >= runs.total_pages:
            return oldest
        page += 1


def _remove_stale_staging(artifact_store: BaseArtifactStore, cutoff: datetime) -> Removed:
    """Remove staging folders at the store's root last changed before `cutoff` (local only:
    object stores have no staging folders)."""
    removed = Removed()
    if not artifact_store.is_local or not os.path.isdir(artifact_store.path):
        return removed
    limit = cutoff.timestamp()
    for name in os.listdir(artifact_store.path):
        path = os.path.join(artifact_store.path, name)
        if not name.startswith(STAGING_PREFIX) or _newest_change(path) >= limit:
            continue
        try:
            removed.add(remove_location(path))
        except OSError as error:
            removed.failed += 1
            logger.warning("Could not remove the stale staging folder %s: %s", path, error)
    return removed


def _newest_change(path: str) -> float:
    """The latest modification time of `path` or anything under it."""
    newest = os.path.getmtime(path)
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            try:
                newest = max(newest, os.path.getmtime(os.path.join(root, name)))
            except OSError:  # removed while we looked
                continue
    return newest


def _active_artifact_store(store: Store) -> Any:
    from stepwell.runs.resolve import stack_artifact_store
    from stepwell.stack.active import get_active_stack

    return stack_artifact_store(get_active_stack(store))
