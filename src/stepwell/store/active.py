"""The process-wide stores (layer: store): `get_store()`, `reset_store()` and
`default_artifact_store()`.

Every stage of the define -> compile -> orchestrate -> launch -> store -> read flow that needs
the metadata store asks `get_store()`, which returns one store for the URL of
`stepwell.config.environment.store_url()`, made on first use and made again when the URL
changes (e.g. STEPWELL_STORE_URL was set): a `DirectSqliteStore` for an existing SQLite file
already at the newest schema, else a `SqlStore`. Repeated calls cost about a microsecond: the URL is
only recomputed when the variables it depends on, or the working directory, change.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from stepwell.artifact_stores.base import BaseArtifactStore
from stepwell.config.environment import ENV_HOME, ENV_STORE_URL, artifact_store_path, store_url
from stepwell.config.home_config import home_config_path
from stepwell.config.server_connection import ENV_NAMES, server_connection
from stepwell.store.base import Store
from stepwell.store.direct.opening import open_direct
from stepwell.utils.heavy_imports import collector_paused

_Key = tuple[Any, ...]

_lock = threading.Lock()
_current: tuple[_Key, Any] | None = None


def _key() -> _Key:
    """Everything the choice of store depends on, cheap to read: the variables, and the
    home folder's settings file (where `stepwell login` saves a server)."""
    explicit = os.environ.get(ENV_STORE_URL)
    servers = tuple(os.environ.get(name) for name in ENV_NAMES)
    if explicit:
        return (explicit, servers)
    where = (
        os.environ.get(ENV_HOME),
        os.environ.get("XDG_DATA_HOME"),
        os.environ.get("HOME"),
        os.getcwd(),
    )
    path = _CONFIG_PATHS.get(where)
    if path is None:
        path = _CONFIG_PATHS[where] = str(home_config_path())
    try:
        saved: int | None = os.stat(path).st_mtime_ns
    except OSError:
        saved = None
    return (None, servers, saved, *where)


# Where the settings file is, for each home folder setting: finding it costs far more than
# looking at it, and `get_store()` runs often.
_CONFIG_PATHS: dict[tuple[str | None, ...], str] = {}


def _open() -> Any:
    """A store for the current configuration: the server's, else the SQL database's."""
    with collector_paused():
        return _open_configured()


def _open_configured() -> Any:
    connection = server_connection()
    if connection is not None:
        from stepwell.store.rest.store import RestStore

        return RestStore(
            connection.url,
            api_key=connection.api_key,
            username=connection.username,
            password=connection.password,
            session_token=connection.session_token,
            source=connection.source,
        )
    url = store_url()
    # An existing SQLite store at the newest schema: the direct path, which loads SQLAlchemy
    # only for the calls it hands over (a cached run and common reads make none).
    direct = open_direct(url)
    if direct is not None:
        return direct
    # Imported here: a process that uses a server never loads SQLAlchemy (~0.15 s or more).
    from stepwell.store.sql.store import SqlStore

    return SqlStore(url)


def get_store() -> Store:
    """The metadata store of this process, for the current configuration: a `RestStore`
    when a stepwell server is configured (it offers the same methods), else a SQL store
    (`DirectSqliteStore` or `SqlStore`: same methods, same database)."""
    global _current
    key = _key()
    current = _current
    if current is not None and current[0] == key:
        return current[1]
    with _lock:
        current = _current
        if current is not None and current[0] == key:
            return current[1]
        connection = server_connection()
        url = connection.url if connection is not None else store_url()
        if current is not None and current[1].url == url and connection is None:
            store = current[1]
        else:
            store = _open()
            if current is not None:
                current[1].close()
        _current = (key, store)
        return store


def reset_store() -> None:
    """Forget (and close) the process-wide store; the next `get_store()` makes a new one."""
    global _current
    with _lock:
        current, _current = _current, None
    if current is not None:
        current[1].close()


_ARTIFACT_STORES: dict[str, BaseArtifactStore] = {}


def default_artifact_store() -> BaseArtifactStore:
    """The artifact store at the configured path (STEPWELL_ARTIFACT_STORE_PATH, else the
    home folder's `artifacts/`): the default stack's, and where external inputs and code
    archives go. One object per path, kept for the life of the process."""
    path = artifact_store_path()
    store = _ARTIFACT_STORES.get(path)
    if store is None:
        store = _ARTIFACT_STORES[path] = BaseArtifactStore(path)
    return store


def _after_fork_in_child() -> None:
    global _lock
    _lock = threading.Lock()  # a fork while another thread held the lock must not deadlock


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
