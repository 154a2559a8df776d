"""Which registered artifact store a bare URI belongs to, for readers that hold only the URI.

Read side of the flow (store -> read): `ArtifactVersionResponse.load()`, a step run's
`.logs`, the CLI and the dashboard open bytes by URI. In a process that has not built the
stack the bytes were written with, `artifact_stores.known` asks this finder (installed by
`stepwell/__init__.py`) once per bucket: it builds every remote artifact-store component of
the active metadata store whose path lies in the URI's bucket, with its configuration and
secret references resolved, so its endpoint and credentials apply.
"""

from __future__ import annotations

from typing import Any

from stepwell.enums import StackComponentType
from stepwell.logger import get_logger

logger = get_logger(__name__)


def configured_stores_in_bucket(uri: str) -> list[Any]:
    """The artifact stores registered with a path in `uri`'s bucket (`scheme://host`);
    a component that cannot be built here is skipped with a warning naming it."""
    from stepwell.stack.components import StackComponent
    from stepwell.store.active import get_store

    bucket = _bucket(uri)
    try:
        page = get_store().list_stack_components(
            type=StackComponentType.ARTIFACT_STORE.value, size=10_000
        )
    except Exception as error:  # no metadata store here: read with the default options
        logger.debug("No registered artifact stores to read %s with: %s", bucket, error)
        return []
    stores = []
    for model in page.items:
        path = model.configuration.get("path")
        if not (isinstance(path, str) and "://" in path and _bucket(path) == bucket):
            continue
        try:
            stores.append(StackComponent(model).build())
        except Exception as error:  # a missing plugin or secret must not stop other reads
            logger.warning(
                "Cannot use artifact store '%s' to read %s: %s", model.name, bucket, error
            )
    return stores


def _bucket(uri: str) -> str:
    scheme, rest = uri.split("://", 1)
    return f"{scheme}://{rest.split('/', 1)[0]}"
