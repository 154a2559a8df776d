"""Alembic environment of the metadata store (layer: store): runs the schema migrations.

`stepwell.store.sql.migrate` drives it programmatically and hands over an open connection in
`config.attributes["connection"]`; given only `sqlalchemy.url` it opens its own connection, so
the `alembic` command line works too.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from stepwell.store.sql import model_tables as _model_tables  # noqa: F401  (its tables join the metadata)
from stepwell.store.sql import platform_tables as _platform_tables  # noqa: F401
from stepwell.store.sql import user_tables as _user_tables  # noqa: F401
from stepwell.store.sql.tables import add_postgresql_options, metadata

add_postgresql_options()  # autogenerate compares the partial indexes' PostgreSQL WHERE too


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations() -> None:
    """Run the migrations on the given connection, or on a new one to `sqlalchemy.url`."""
    config = context.config
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    if context.is_offline_mode():
        context.configure(
            url=config.get_main_option("sqlalchemy.url"),
            target_metadata=metadata,
            literal_binds=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.connect() as new_connection:
            _run(new_connection)
    finally:
        engine.dispose()


run_migrations()
