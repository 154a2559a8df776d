"""How a stepwell server is configured: flags, else `STEPWELL_SERVER_*` variables (server).

- `STEPWELL_SERVER_HOST` (127.0.0.1) and `STEPWELL_SERVER_PORT` (8237): where it listens;
- `STEPWELL_SERVER_STORE_URL`: the database (default: the home folder's SQLite file, or
  `STEPWELL_STORE_URL`);
- `STEPWELL_SERVER_SECRET`: the key access tokens are signed with (default: a random one
  kept in `<home>/server/secret`, mode 0600, made on first start);
- `STEPWELL_SERVER_TOKEN_SECONDS` (900): how long an access token lasts;
- `STEPWELL_SERVER_MAX_BODY` (64 MiB): the largest request body accepted.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from stepwell.config.environment import home_folder, store_url
from stepwell.exceptions import EnvironmentConfigError
from stepwell.utils.private_files import private_file, private_folder

DEFAULT_PORT = 8237


@dataclass(frozen=True)
class ServerSettings:
    """Everything a server process needs to start."""

    host: str
    port: int
    store_url: str
    secret: str
    token_seconds: int
    max_body: int

    def __repr__(self) -> str:  # the secret never shows up in reprs or logs
        return f"ServerSettings(host={self.host!r}, port={self.port})"


def server_folder() -> Path:
    """Where a server keeps its secret, pid file and log: `<home>/server` (made if missing)."""
    return private_folder(server_folder_path())


def server_folder_path() -> Path:
    """`<home>/server`, not made: for reading what may not be there (`server status`)."""
    return home_folder() / "server"


def _int(name: str, default: int, low: int, high: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise EnvironmentConfigError(f"{name} must be a whole number, not {raw!r}.") from None
    if not low <= value <= high:
        raise EnvironmentConfigError(f"{name} must be between {low} and {high}, not {value}.")
    return value


def _secret() -> str:
    given = os.environ.get("STEPWELL_SERVER_SECRET", "").strip()
    if given:
        if len(given) < 32:
            raise EnvironmentConfigError(
                "STEPWELL_SERVER_SECRET needs at least 32 characters; make one with "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
            )
        return given
    path = server_folder() / "secret"
    if not path.exists() or not path.read_text().strip():
        private_file(path)
        path.write_text(secrets.token_urlsafe(48))
    return path.read_text().strip()


def server_settings(
    host: str | None = None, port: int | None = None, store: str | None = None
) -> ServerSettings:
    """The settings from the given flags, else the variables, else the defaults."""
    return ServerSettings(
        host=host or os.environ.get("STEPWELL_SERVER_HOST", "").strip() or "127.0.0.1",
        port=port or _int("STEPWELL_SERVER_PORT", DEFAULT_PORT, 1, 65535),
        store_url=store or os.environ.get("STEPWELL_SERVER_STORE_URL", "").strip() or store_url(),
        secret=_secret(),
        token_seconds=_int("STEPWELL_SERVER_TOKEN_SECONDS", 900, 30, 7 * 86400),
        max_body=_int("STEPWELL_SERVER_MAX_BODY", 64 * 2**20, 1024, 2**31),
    )
