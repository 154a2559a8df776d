"""The metadata store's Alembic migrations: they match the tables and run only when needed."""

from __future__ import annotations

import sqlite3

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

import stepwell.store.sql.migrate as migrate
from stepwell.exceptions import StoreError
from stepwell.store.sql import (  # noqa: F401  (their tables join the metadata)
    SqlStore,
    model_tables,
    platform_tables,
    user_tables,
)
from stepwell.store.sql.tables import metadata

TABLES = {
    "pipelines",
    "snapshots",
    "pipeline_runs",
    "step_runs",
    "artifacts",
    "artifact_versions",
    "step_run_input_artifacts",
    "step_run_output_artifacts",
    "stack_components",
    "stacks",
    "stack_composition",
    "tags",
    "models",
    "model_versions",
    "model_version_artifacts",
    "model_version_runs",
    "users",
    "api_keys",
    "secrets",
    "schedules",
    "tag_resources",
    "run_metadata",
    "pending_outputs",
}


def test_head_constant_matches_alembic():
    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert script.get_current_head() == migrate.HEAD_REVISION
    assert script.get_heads() == [migrate.HEAD_REVISION]


def test_migrated_schema_matches_the_tables(store_url):
    SqlStore(store_url).close()
    engine = create_engine(store_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, metadata)
            assert differences == []
            assert set(inspect(connection).get_table_names()) == TABLES | {"alembic_version"}
            version = connection.execute(text("SELECT version_num FROM alembic_version"))
            assert version.scalars().all() == [migrate.HEAD_REVISION]
    finally:
        engine.dispose()


def test_schema_difference_would_be_noticed(sqlite_url):
    """The comparison above is able to fail: a missing index is reported."""
    SqlStore(sqlite_url).close()
    engine = create_engine(sqlite_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP INDEX ix_step_runs_cache_key_status_created"))
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, metadata)
        assert [diff[0] for diff in differences] == ["add_index"]
    finally:
        engine.dispose()


def test_current_database_is_not_migrated_again(sqlite_url, monkeypatch):
    SqlStore(sqlite_url).close()

    def refuse(database):
        raise AssertionError("the migrations ran although the schema is current")

    monkeypatch.setattr(migrate, "_upgrade", refuse)
    store = SqlStore(sqlite_url)  # the fast path: one look at alembic_version
    store.close()
    with pytest.raises(AssertionError, match="migrations ran"):
        SqlStore(sqlite_url.replace("stepwell.db", "other.db"))


def test_downgrade_and_upgrade_again(sqlite_url):
    SqlStore(sqlite_url).close()
    config = migrate.alembic_config(sqlite_url)
    command.downgrade(config, "base")
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    connection.close()
    assert not names & TABLES
    store = SqlStore(sqlite_url)
    try:
        assert store.list_runs() == []
        assert migrate.current_revisions(store._db) == [migrate.HEAD_REVISION]
    finally:
        store.close()


def test_unknown_revision_is_an_error(sqlite_url):
    SqlStore(sqlite_url).close()
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'f00d'")
    connection.close()
    with pytest.raises(StoreError, match="newer stepwell"):
        SqlStore(sqlite_url)
