"""What the direct path's methods share: the connection, and handing a call to `SqlStore`."""

from __future__ import annotations

import os
import sqlite3
import threading
import weakref
from typing import Any

from stepwell.store.direct.connection import DirectConnection
from stepwell.utils.heavy_imports import collector_paused

# The direct store of each URL in this process: unpickled records bind to it.
OPEN: weakref.WeakValueDictionary[str, Any] = weakref.WeakValueDictionary()
# Stores opened for unpickled records, kept for the life of the process (as SqlStore's are).
_KEPT: dict[str, Any] = {}


class HandOver(Exception):
    """This path leaves the call to `SqlStore` (raised inside a transaction: rolls it back)."""


# Why a direct attempt gives its call to `SqlStore`: the path left it, or SQLite refused it
# (a conflict, a read-only file...). Nothing was written: `SqlStore` does the whole call.
HANDED_OVER = (HandOver, sqlite3.Error)


def reopen(url: str) -> Any:
    """The store an unpickled record binds to: this process's store for `url` (a spawned
    worker opens one: the direct path again where it applies, else `SqlStore`)."""
    store = OPEN.get(url)
    if store is not None:
        return store
    from stepwell.store.direct.opening import open_direct

    store = open_direct(url)
    if store is not None:
        _KEPT[url] = store
        return store
    from stepwell.store.sql.store import _reopen

    return _reopen(url)


class DirectBase:
    """The connection, the `SqlStore` behind it, and everything not defined here forwarded."""

    def __init__(self, url: str, connection: DirectConnection) -> None:
        self.url = url
        self._direct = connection
        self._full: Any = None
        self._full_lock = threading.Lock()
        OPEN[url] = self

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (reopen, (self.url,))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.full_store(), name)

    def full_store(self) -> Any:
        """The `SqlStore` on the same database (loads SQLAlchemy the first time); its
        responses are bound to this store, as the direct path's are."""
        full = self._full
        if full is None:
            with self._full_lock:
                if self._full is None:
                    with collector_paused():
                        from stepwell.store.sql.store import SqlStore

                        full = SqlStore(self.url)
                        full._bind_responses_to = self
                        self._full = full
                full = self._full
        return full

    def handed_over(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """`SqlStore`'s answer to the call: the whole call, with its own checks and errors."""
        return getattr(self.full_store(), method)(*args, **kwargs)

    def close(self) -> None:
        """Close this process's connections; the store reconnects if used again."""
        self._direct.close()
        if self._full is not None:
            self._full.close()


def _after_fork_in_child() -> None:
    for store in list(OPEN.values()):
        store._full_lock = threading.Lock()  # a fork while another thread held it must not hang


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
