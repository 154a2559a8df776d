"""The artifact-store roots a delete may remove paths from (layer: store).

Deleting a run, an artifact version or a snapshot removes files the store's rows name; those
rows may have been edited by anyone who can write to a shared store, so removals are confined
(`stepwell.artifact_stores.containment`) to the roots listed here: the default artifact store
of this process and every artifact-store stack component registered in the store.
"""

from __future__ import annotations

from stepwell.artifact_stores.base import BaseArtifactStore
from stepwell.artifact_stores.containment import remove_inside, usable_roots
from stepwell.config.environment import artifact_store_path
from stepwell.enums import StackComponentType
from stepwell.store.base import Store
from stepwell.store.models import StepRunResponse


def known_artifact_roots(store: Store) -> list[str]:
    """The default artifact store's root and those of the store's artifact-store components
    (an unset `path` means the default folder), minus roots too broad to trust."""
    # The configured form too: a URL's filesystem may strip its scheme from `.path`.
    roots = [default_root(), artifact_store_path()]
    components = store.list_stack_components(
        type=StackComponentType.ARTIFACT_STORE.value, size=10_000
    )
    for component in components.items:
        path = component.configuration.get("path")
        if isinstance(path, str) and path.strip():
            roots.append(BaseArtifactStore(path).path)
    return usable_roots(roots)


def default_root() -> str:
    return BaseArtifactStore(artifact_store_path()).path


def remove_run_files(store: Store, uris: list[str], log_uris: set[str]) -> list[str]:
    """Remove the files a deleted run left (`uris`, from `Store.delete_run`): log files only
    inside a root's `logs/`, artifact bytes anywhere else inside a root. Returns the paths
    left alone (each already named in a warning)."""
    roots = known_artifact_roots(store)
    return [
        uri
        for uri in dict.fromkeys(uris)
        if not remove_inside(roots, uri, "logs" if uri in log_uris else None)
    ]


def log_uris_of_run(store: Store, run_id: object) -> set[str]:
    """The log files of every step run (every attempt) of a run."""
    steps: list[StepRunResponse] = list(
        store.list_step_runs(pipeline_run_id=str(run_id), size=1_000_000).items
    )
    return {step.logs_uri for step in steps if step.logs_uri}
