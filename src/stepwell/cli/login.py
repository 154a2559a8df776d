"""`stepwell login URL` and `stepwell logout`: which stepwell server this home folder uses
(read layer).

`login` checks the server (its `/health` version) and the credentials before it saves
anything, in the home folder's `config.yaml` (mode 0600; see
`stepwell.config.server_connection`). A service account's API key is saved as it is; for a
user the password is exchanged for a session token (valid for 30 days, ended early when
the account changes) and only that token is saved. `logout` forgets the server: the local
store is used again.
"""

from __future__ import annotations

import sys
from typing import Any

import typer

from stepwell.cli.errors import CliError
from stepwell.cli.output import note, say


def register(app: typer.Typer) -> None:
    """Add `login` and `logout` to the root app."""
    app.command("login")(login)
    app.command("logout")(logout)


def login(
    url: str = typer.Argument(..., help="The server's URL, e.g. http://127.0.0.1:8237."),
    api_key: str | None = typer.Option(
        None, "--api-key", help="A service account's API key (stepwell api-key create)."
    ),
    username: str | None = typer.Option(
        None, "--username", "-u", help="A user's name (asks for the password)."
    ),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from the first line of stdin."
    ),
) -> None:
    """Log in to a stepwell server: from now on this home folder uses its store."""
    from stepwell.config.server_connection import (
        ServerConnection,
        is_server_url,
        save_server_connection,
    )
    from stepwell.store.rest.store import RestStore

    if not is_server_url(url):
        raise CliError(f"{url!r} is not a server URL; give one like http://127.0.0.1:8237.")
    url = url.rstrip("/")
    if api_key and username:
        raise CliError("Give either --api-key or --username, not both.")
    if not api_key and not username:
        if password_stdin or not sys.stdin.isatty():
            raise CliError("Give --api-key KEY (a service account) or --username NAME (a user).")
        username = typer.prompt("User name")
    if api_key:
        store = RestStore(url, api_key=api_key, verify_server=False)
        info = store.server_info()  # checks the server's version first
        me = store.current_user()
        connection = ServerConnection(url, api_key=api_key)
    else:
        password = _password(password_stdin)
        store = RestStore(url, username=username, password=password, verify_server=False)
        info = store.server_info()  # checks the server's version first
        session = store.open_session()
        me = store.current_user()
        connection = ServerConnection(url, username=username, session_token=session)
    store.close()
    save_server_connection(connection)
    _forget_cached_store()
    say(f"Logged in to {url} as '{me['name']}' ({me['role']}); stepwell {info.get('version')}.")
    _warn_if_overridden()


def _password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CliError("--password-stdin read no password (the first line of stdin).")
        return password
    if not sys.stdin.isatty():  # getpass would warn and read the password visibly
        raise CliError(
            "There is no terminal to ask for the password; pass it on stdin with "
            "--password-stdin (e.g. `... --password-stdin < password.txt`)."
        )
    return str(typer.prompt("Password", hide_input=True))


def logout() -> None:
    """Forget the saved server: this home folder uses its local store again."""
    from stepwell.config import environment
    from stepwell.config.home_config import read_home_config
    from stepwell.config.server_connection import CONFIG_KEY, save_server_connection
    from stepwell.utils.redact import masked_url

    saved: Any = read_home_config().get(CONFIG_KEY)
    if not isinstance(saved, dict) or not saved.get("url"):
        say("Not logged in to a server; nothing to do.")
    else:
        save_server_connection(None)
        _forget_cached_store()
        say(f"Logged out of {saved['url']}.")
    _warn_if_overridden()
    from stepwell.config.server_connection import server_connection

    if server_connection() is None:
        say(f"Using the local store: {masked_url(environment.store_url())}")


def _warn_if_overridden() -> None:
    """Say so when variables choose the store, whatever was saved."""
    import os

    from stepwell.config.server_connection import ENV_SERVER_URL

    for name in (ENV_SERVER_URL, "STEPWELL_STORE_URL"):
        if os.environ.get(name, "").strip():
            note(f"{name} is set and wins over the saved login; unset it to use the saved one.")


def _forget_cached_store() -> None:
    from stepwell.store.active import reset_store

    reset_store()
