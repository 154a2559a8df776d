"""Turn an artifact store's failure during a save into an error that names what failed (launch).

A full disk or a failing object store shows up as an `OSError` from deep inside a
materializer or fsspec (`[Errno 28] No space left on device`), which says neither which
output was being saved nor where. This boundary, around one output's staged write, re-raises
it as `ArtifactStoreError` naming the output, the artifact and the store. By the time it
reaches here the staged bytes have been removed (`BaseArtifactStore.staged_directory`), and
nothing was recorded, so the message can say so.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from stepwell.artifact_stores.base import BaseArtifactStore
from stepwell.exceptions import ArtifactStoreError


@contextmanager
def store_write_errors(
    artifact_store: BaseArtifactStore, output_name: str, artifact_name: str
) -> Iterator[None]:
    """Re-raise an `OSError` of the block as `ArtifactStoreError` naming output and store."""
    try:
        yield
    except ArtifactStoreError:
        raise
    except OSError as error:
        raise ArtifactStoreError(
            f"Could not save output '{output_name}' (artifact '{artifact_name}') to the "
            f"artifact store at '{artifact_store.path}': {type(error).__name__}: {error}. "
            "Nothing of this output was recorded and its partly written bytes were removed. "
            "Free space in the artifact store or fix its configuration, then run the step again.",
            output=output_name,
            artifact=artifact_name,
            artifact_store=artifact_store.path,
        ) from error
