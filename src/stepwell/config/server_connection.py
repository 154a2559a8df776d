"""Which stepwell server (if any) this process talks to, and with which credentials (config).

In order: `STEPWELL_SERVER_URL` with `STEPWELL_API_KEY` (or `STEPWELL_SERVER_USERNAME` and
`STEPWELL_SERVER_PASSWORD`); `STEPWELL_STORE_URL` set to an http(s) URL with
`STEPWELL_STORE_API_KEY` (ZenML's `ZENML_STORE_URL` / `ZENML_STORE_API_KEY` renamed); then
what `stepwell login` saved in the home folder's `config.yaml` (written with mode 0600): an
API key, or for a user a session token the server issued at login (never the password).
None means the local store. `stepwell logout` forgets the saved server.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from stepwell.config.home_config import read_home_config, write_home_config_value
from stepwell.exceptions import EnvironmentConfigError

ENV_SERVER_URL = "STEPWELL_SERVER_URL"
ENV_API_KEY = "STEPWELL_API_KEY"
ENV_SERVER_USERNAME = "STEPWELL_SERVER_USERNAME"
ENV_SERVER_PASSWORD = "STEPWELL_SERVER_PASSWORD"
ENV_STORE_API_KEY = "STEPWELL_STORE_API_KEY"
CONFIG_KEY = "server"
# `ServerConnection.source` of a login saved in config.yaml (else the variable's name).
SAVED_LOGIN = "saved login"
# What the choice depends on, for callers that cache it (see `store.active`).
ENV_NAMES = (
    ENV_SERVER_URL,
    ENV_API_KEY,
    ENV_SERVER_USERNAME,
    ENV_SERVER_PASSWORD,
    ENV_STORE_API_KEY,
)


@dataclass(frozen=True)
class ServerConnection:
    """A server's URL and the credentials to log in with (an API key, or a user's name with
    a password or a session token)."""

    url: str
    api_key: str | None = None
    username: str | None = None
    password: str | None = None
    session_token: str | None = None
    # Where the URL came from: the variable's name, or SAVED_LOGIN (`stepwell logout` ends it).
    source: str = SAVED_LOGIN

    def __repr__(self) -> str:  # credentials never show up in reprs or logs
        return f"ServerConnection(url={self.url!r})"


def is_server_url(url: str) -> bool:
    return url.startswith(("http://", "https://"))


def _checked(url: str, source: str) -> str:
    if not is_server_url(url):
        raise EnvironmentConfigError(
            f"{source} must be an http:// or https:// URL of a stepwell server, not {url!r}."
        )
    return url.rstrip("/")


def server_connection() -> ServerConnection | None:
    """The server to use, or None for the local store (see the module)."""
    url = os.environ.get(ENV_SERVER_URL, "").strip()
    if url:
        return ServerConnection(
            _checked(url, ENV_SERVER_URL),
            os.environ.get(ENV_API_KEY) or None,
            os.environ.get(ENV_SERVER_USERNAME) or None,
            os.environ.get(ENV_SERVER_PASSWORD) or None,
            source=ENV_SERVER_URL,
        )
    store_url = os.environ.get("STEPWELL_STORE_URL", "").strip()
    if is_server_url(store_url):
        key = os.environ.get(ENV_STORE_API_KEY) or os.environ.get(ENV_API_KEY) or None
        return ServerConnection(store_url.rstrip("/"), key, source="STEPWELL_STORE_URL")
    if store_url:
        return None  # an explicit database URL wins over a saved login
    saved = read_home_config().get(CONFIG_KEY)
    if isinstance(saved, dict) and saved.get("url"):
        return ServerConnection(
            _checked(str(saved["url"]), "The saved server (stepwell login)"),
            saved.get("api_key") or None,
            saved.get("username") or None,
            saved.get("password") or None,
            saved.get("session_token") or None,
            source=SAVED_LOGIN,
        )
    return None


def save_server_connection(connection: ServerConnection | None) -> None:
    """Remember `connection` for this home folder (None: forget it, back to local)."""
    if connection is None:
        write_home_config_value(CONFIG_KEY, None)
        return
    values = {
        "url": connection.url,
        "api_key": connection.api_key,
        "username": connection.username,
        "password": connection.password,
        "session_token": connection.session_token,
    }
    write_home_config_value(CONFIG_KEY, {k: v for k, v in values.items() if v})
