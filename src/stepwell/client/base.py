"""The state every part of the `Client` shares: the metadata store it reads (read layer)."""

from __future__ import annotations

from stepwell.store.base import Store


class ClientBase:
    """Holds the store; each part of the Client (runs, artifacts, stacks, ...) builds on it."""

    def __init__(self, store: Store | None = None) -> None:
        self._store = store

    @property
    def store(self) -> Store:
        """The metadata store this client reads (the active one unless given)."""
        if self._store is None:
            from stepwell.store.active import get_store

            self._store = get_store()
        return self._store

    @property
    def zen_store(self) -> Store:
        """ZenML's name for `store`: the metadata store itself, with its `get_*`, `list_*`,
        `create_*`, `update_*` and `delete_*` methods (a SqlStore, or a RestStore when a
        server is configured)."""
        return self.store
