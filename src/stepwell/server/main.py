"""Run a stepwell server in this process (server): `python -m stepwell.server`.

Opens the store (which runs the migrations once, under a lock), makes the first admin when
the store has no accounts yet, and serves the application with uvicorn until stopped. The
first admin's password is written to `<home>/server/initial_admin_password` (mode 0600),
never to the log; the log says where it is and how to log in.
"""

from __future__ import annotations

import argparse
import os
import secrets
from typing import Any

from stepwell.logger import get_logger
from stepwell.server.settings import ServerSettings, server_folder, server_settings
from stepwell.utils.private_files import private_file

logger = get_logger(__name__)
ADMIN_PASSWORD_FILE = "initial_admin_password"
# Marks the process that `stepwell server start` made, so `stop` signals only that one.
START_TOKEN_FLAG = "--start-token"


def ensure_admin(store: Any) -> str | None:
    """Make the first admin of a store without accounts; where its password was written."""
    if store.list_users(size=1).total:
        return None
    password = os.environ.get("STEPWELL_SERVER_ADMIN_PASSWORD") or secrets.token_urlsafe(18)
    store.create_user(name="admin", password=password, role="admin")
    path = server_folder() / ADMIN_PASSWORD_FILE
    private_file(path)
    path.write_text(password + "\n")
    return str(path)


def build(settings: ServerSettings) -> Any:
    """The application for `settings`, with its store opened and an admin made."""
    from stepwell.server.app import create_app
    from stepwell.server.secrets_key import server_secret_cipher
    from stepwell.store.sql.store import SqlStore

    store = SqlStore(settings.store_url)
    store.use_secret_cipher(server_secret_cipher())  # secrets: the server's key, not a user's
    store.count_silence_from(store.database_time())  # runs could not beat while it was down
    written = ensure_admin(store)
    if written is not None:
        logger.info(
            "Made the first admin account 'admin'; its password is in %s. Log in with: "
            "stepwell login http://%s:%d --username admin",
            written,
            settings.host,
            settings.port,
        )
    return create_app(
        store, settings.secret, max_body=settings.max_body, token_seconds=settings.token_seconds
    )


def serve(settings: ServerSettings) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM end it cleanly)."""
    import uvicorn

    from stepwell.server.scheduler import start_scheduler

    # Runs this server starts (triggers, schedules) and its stack lookups use its own
    # database directly, never a server that this process's environment names.
    os.environ.pop("STEPWELL_SERVER_URL", None)
    os.environ["STEPWELL_STORE_URL"] = settings.store_url
    app = build(settings)
    scheduler = start_scheduler(app.state.store, settings.store_url)  # runs due schedules
    logger.info("stepwell server listening on http://%s:%d", settings.host, settings.port)
    try:
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
    finally:
        if scheduler is not None:
            scheduler.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m stepwell.server")
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    parser.add_argument("--store-url")
    parser.add_argument(START_TOKEN_FLAG, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    serve(server_settings(options.host, options.port, options.store_url))


if __name__ == "__main__":
    main()
