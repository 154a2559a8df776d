"""Remove the bytes of outputs that were announced but never recorded (layer: store).

The launcher records where a step's outputs will go before its worker writes them
(`pending_outputs`). When an attempt fails, or a run is found dead, those locations hold
bytes that no artifact version points to: a whole output, a half-written one, or a staging
folder beside it. This module removes them from the artifact store (local or fsspec) and
then forgets their records. A location that an artifact version records is never touched,
and a location whose bytes cannot be removed keeps its record, so a later prune retries.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from stepwell.artifact_stores.base import STAGING_PREFIX, BaseArtifactStore
from stepwell.artifact_stores.containment import remove_inside
from stepwell.artifact_stores.known import store_for as known_store_for
from stepwell.logger import get_logger

if TYPE_CHECKING:
    from stepwell.store.base import Store
    from stepwell.store.models import PipelineRunResponse

logger = get_logger(__name__)


@dataclass(frozen=True)
class PendingOutput:
    """A location a step announced it would write, not (yet) recorded as an artifact."""

    id: UUID
    pipeline_run_id: UUID
    step_run_id: UUID | None
    uri: str
    created: datetime
    recorded: bool = False  # an artifact version records this uri: never remove its bytes


@dataclass
class Removed:
    """What a clean-up removed from the artifact store."""

    files: int = 0
    bytes: int = 0
    failed: int = 0  # locations whose bytes could not be removed (their records stay)

    def add(self, other: Removed) -> None:
        self.files += other.files
        self.bytes += other.bytes
        self.failed += other.failed


def staging_uri(uri: str) -> str:
    """The staging folder that becomes `uri` when its bytes are complete (local stores)."""
    if "://" in uri:
        parent, name = posixpath.split(uri.rstrip("/"))
        return posixpath.join(parent, f"{STAGING_PREFIX}{name}")
    parent, name = os.path.split(uri.rstrip(os.sep))
    return os.path.join(parent, f"{STAGING_PREFIX}{name}")


def remove_location(uri: str, roots: Sequence[str] | None = None) -> Removed:
    """Remove the bytes at `uri` and in its staging folder; count what went.

    With `roots` (the known artifact-store roots), a location that a store row names is
    removed only if it lies inside one of them (`artifact_stores.containment`): a planted
    row cannot make the clean-up delete anything else.
    """
    removed = Removed()
    # The configured store holding it (its endpoint and credentials), else one rooted at
    # the location itself: any fsspec URL works, with or without a bucket part.
    store = known_store_for(uri) or BaseArtifactStore(uri)
    for path in (uri, staging_uri(uri)):
        if not store.exists(path):
            continue
        files = list(store.walk_files(path))
        if roots is not None:
            if not remove_inside(roots, path):
                continue
        else:
            store.remove(path)
        removed.files += len(files)
        removed.bytes += sum(size for _, size, _ in files)
    return removed


def remove_pending(store: Store, pending: list[PendingOutput]) -> Removed:
    """Remove the unrecorded bytes of `pending` locations, then forget their records."""
    removed = Removed()
    done: list[UUID] = []
    roots: list[str] | None = None
    for item in pending:
        if not item.recorded:
            try:
                if roots is None:
                    from stepwell.store.artifact_roots import known_artifact_roots

                    roots = known_artifact_roots(store)
                removed.add(remove_location(item.uri, roots))
            except Exception as error:  # a failing store: keep the record, retry on prune
                removed.failed += 1
                logger.warning(
                    "Could not remove the unrecorded bytes at %s: %s (a later "
                    "`stepwell artifact prune` tries again).",
                    item.uri,
                    error,
                )
                continue
        done.append(item.id)
    store.delete_pending_outputs(done)
    return removed


def discard_attempt_bytes(uris: dict[str, str]) -> bool:
    """Remove whatever an attempt that ended without outputs wrote at `uris` (the locations
    this process chose for it, so no containment check is needed); True if all are clear."""
    for uri in uris.values():
        try:
            remove_location(uri)
        except Exception as error:  # a failing store: the write-ahead records stay, to retry
            logger.warning("Could not remove the unrecorded bytes at %s: %s", uri, error)
            return False
    return True


def clean_failed_attempt(store: Store, step_run_id: UUID) -> Removed:
    """Remove what a failed, stopped or refused attempt wrote, and its pending records."""
    return remove_pending(store, store.list_pending_outputs(step_run_id=step_run_id))


def clean_finished_runs(store: Store, run_id: UUID | None = None) -> Removed:
    """Remove the unrecorded bytes of runs that ended (`run_id`'s, or every run's)."""
    pending = store.list_pending_outputs(run_id=run_id, finished_runs_only=True)
    return remove_pending(store, pending)


def released(store: Store, run: PipelineRunResponse) -> PipelineRunResponse:
    """`run`, after removing the unrecorded bytes it left if it has ended (a run just found
    dead); the run's record is committed first, its bytes go after. Never raises: the
    reader asked for a run, and a later prune retries what could not be removed."""
    if run.status.is_finished:
        try:
            clean_finished_runs(store, run.id)
        except Exception as error:
            logger.warning("Could not clean up after run '%s': %s", run.name, error)
    return run
