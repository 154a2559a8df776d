"""The stepwell server this home folder talks to, as `stepwell server status` and `stepwell
status` report it (read layer).

`stepwell server start | stop | status | logs` manage the server *started from* this home
folder; the server a home folder *uses* (a saved `stepwell login`, or STEPWELL_SERVER_URL)
may run on another host. `probe` asks the one in use whether it answers, which version it
runs and who these credentials log in as, in a couple of seconds at most, and never raises:
what went wrong is part of its answer.
"""

from __future__ import annotations

from typing import Any

from stepwell.config.server_connection import ServerConnection, server_connection
from stepwell.utils.redact import masked_url

# A status report waits this long for an answer, not a whole call's retry budget.
PROBE_SECONDS = 2.0


def in_use() -> ServerConnection | None:
    """The server this home folder talks to, or None (the local store)."""
    return server_connection()


def probe(connection: ServerConnection) -> dict[str, Any]:
    """What the server in use answers: `url`, `source`, `reachable`, `version`,
    `logged_in_as` and `problem` (None when all went well)."""
    from stepwell.exceptions import ServerUnreachableError, StepwellError
    from stepwell.store.rest.store import RestStore

    fields: dict[str, Any] = {
        "url": masked_url(connection.url),
        "source": connection.source,
        "reachable": False,
        "version": None,
        "logged_in_as": None,
        "problem": None,
    }
    store = RestStore(
        connection.url,
        api_key=connection.api_key,
        username=connection.username,
        password=connection.password,
        session_token=connection.session_token,
        timeout=PROBE_SECONDS,
        verify_server=False,
        retry_seconds=PROBE_SECONDS,
        source=connection.source,
    )
    try:
        info = store.server_info()
        fields.update(reachable=True, version=info.get("version"))
        me = store.current_user()
        fields["logged_in_as"] = f"{me['name']} ({me['role']})"
    except ServerUnreachableError as error:
        fields["problem"] = error.details.get("reason") or str(error)
    except StepwellError as error:
        fields["reachable"] = True  # it answered, but not as hoped
        fields["problem"] = str(error)
    finally:
        store.close()
    return fields


def elsewhere_note(command: str, connection: ServerConnection) -> str:
    """What `stepwell server <command>` says in a home folder that uses another server."""
    url = masked_url(connection.url)
    return (
        f"`stepwell server {command}` manages only a server started from this home folder; "
        f"the server in use here is {url} ({connection.source}): use `stepwell server "
        f"{command}` on its host."
    )
