"""Which registered artifact store a bare URI belongs to, for readers that hold only the URI.

Read side of the flow (store -> read): `ArtifactVersionResponse.load()`, a step run's
`.logs`, the CLI and the dashboard open bytes by URI. In a process that has not built the
stack the bytes were written with, `artifact_stores.known` asks this finder (installed by
`stepwell/__init__.py`) once per bucket: it builds every remote artifact-store component of
the active metadata store whose path lies in the URI's bucket, with its configuration and
secret references resolved, so its endpoint and credentials apply. The active stack's store
comes first, so it is the one that reads a root several components share.
"""

from __future__ import annotations

from typing import Any

from stepwell.enums import StackComponentType
from stepwell.logger import get_logger

logger = get_logger(__name__)


def configured_stores_in_bucket(uri: str) -> list[Any]:
    """The artifact stores registered with a path in `uri`'s bucket (`scheme://host`), best
    first: the active stack's, then those whose path holds `uri` (longest path first), then
    the rest of the bucket's (later URIs of the bucket are served from them).

    A component that cannot be built here (a missing plugin or secret) is skipped quietly
    (debug log): an unrelated broken component must not add noise to every read. Only when
    no store that holds `uri` could be built is it a warning, naming each component that
    failed and why.
    """
    from stepwell.stack.components import StackComponent
    from stepwell.store.active import get_store

    bucket = _bucket(uri)
    try:
        store = get_store()
        page = store.list_stack_components(
            type=StackComponentType.ARTIFACT_STORE.value, size=10_000
        )
    except Exception as error:  # no metadata store here: read with the default options
        logger.debug("No registered artifact stores to read %s with: %s", bucket, error)
        return []
    candidates = [
        model
        for model in page.items
        if isinstance(path := model.configuration.get("path"), str)
        and "://" in path
        and _bucket(path) == bucket
    ]
    if not candidates:
        return []
    active_id = _active_artifact_store_id(store)

    def preference(model: Any) -> tuple[bool, bool, int]:
        path = str(model.configuration["path"]).rstrip("/")
        return (model.id == active_id, _holds(path, uri), len(path))

    stores, failures = [], []
    for model in sorted(candidates, key=preference, reverse=True):
        try:
            stores.append(StackComponent(model).build())
        except Exception as error:  # a missing plugin or secret must not stop other reads
            logger.debug("Cannot use artifact store '%s' to read %s: %s", model.name, uri, error)
            failures.append((model, error))
    if failures and not any(_holds(built.path, uri) for built in stores):
        holding = [f for f in failures if _holds(str(f[0].configuration["path"]), uri)]
        for model, reason in holding or failures:
            logger.warning("Cannot use artifact store '%s' to read %s: %s", model.name, uri, reason)
    return stores


def _active_artifact_store_id(store: Any) -> Any:
    """The id of the active stack's artifact store component, or None if none is known."""
    from stepwell.stack.active import active_stack_model

    try:
        component = active_stack_model(store).components.get(StackComponentType.ARTIFACT_STORE)
    except Exception as error:  # no usable active stack: no preference
        logger.debug("No active stack to prefer an artifact store from: %s", error)
        return None
    return None if component is None else component.id


def _holds(root: str, uri: str) -> bool:
    root = root.rstrip("/")
    return uri == root or uri.startswith(root + "/")


def _bucket(uri: str) -> str:
    scheme, rest = uri.split("://", 1)
    return f"{scheme}://{rest.split('/', 1)[0]}"
