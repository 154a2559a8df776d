"""Schema migrations of the metadata store (layer: store): bring a database to the newest schema.

Before the store records anything in the define -> compile -> orchestrate -> launch -> store ->
read flow, `ensure_schema` checks the `alembic_version` table (one query when it is current)
and otherwise runs `alembic upgrade head` with the Alembic environment in `migrations/`. Several
processes creating the same database at once are serialised: SQLite by `BEGIN IMMEDIATE`,
PostgreSQL by an advisory lock; anything else retries when a table "already exists".
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from stepwell.exceptions import StoreError
from stepwell.store.schema_revision import HEAD_REVISION
from stepwell.store.sql.engine import WRITE_ATTEMPTS, Database, backoff, is_retryable
from stepwell.store.sql.tables import add_postgresql_options
from stepwell.utils.redact import masked_url

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_PG_LOCK_KEY = 0x5354_4550_5745_4C  # "STEPWEL"


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration for the stepwell migrations, built in code (no alembic.ini)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def current_revisions(database: Database) -> list[str]:
    """The revisions recorded in `alembic_version`; empty for a database with no schema yet."""
    try:
        with database.engine.connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except DBAPIError:
        return []
    return [row[0] for row in rows]


def _upgrade(database: Database) -> None:
    from alembic import command

    config = alembic_config()
    with database.writer.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def ensure_schema(database: Database) -> None:
    """Bring the database to `HEAD_REVISION`; nearly free when it already is there."""
    if database.engine.dialect.name == "postgresql":
        add_postgresql_options()  # the tables as PostgreSQL sees them (autogenerate compares)
    if current_revisions(database) == [HEAD_REVISION]:
        return
    from alembic.util import CommandError

    for attempt in range(WRITE_ATTEMPTS):
        try:
            _upgrade(database)
            return
        except CommandError as error:
            raise StoreError(
                f"Cannot migrate the metadata store at {masked_url(database.url)} to revision "
                f"{HEAD_REVISION}: {error}. Was it made by a newer stepwell?"
            ) from error
        except DBAPIError as error:
            retry = is_retryable(error) or "already exists" in str(error).lower()
            if attempt == WRITE_ATTEMPTS - 1 or not retry:
                raise
            backoff(attempt)
