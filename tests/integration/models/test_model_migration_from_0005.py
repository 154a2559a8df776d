"""A database made before the model control plane (revision 0005) upgrades to 0006.

The database is brought to 0005 by Alembic and given a pipeline, a run and a step run with
only the columns that revision has; opening it with the current store migrates it. Its old
runs keep their records and use no model version; models work on it at once.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, inspect

import stepwell.store.sql.migrate as migrate
from stepwell import Model, pipeline, step
from stepwell.client import Client
from stepwell.config.pipeline_config import PipelineConfig
from stepwell.config.step_config import StepConfig
from stepwell.store.active import reset_store
from stepwell.store.sql import SqlStore
from stepwell.store.sql.tables import PIPELINES, RUNS, STEP_RUNS

MODEL_TABLES = {"models", "model_versions", "model_version_artifacts", "model_version_runs"}


@step
def new_step() -> int:
    return 1


@pipeline(model=Model(name="after-upgrade"), settings={"orchestrator": {"debug": True}})
def new_pipeline():
    new_step()


def _at_0005(url: str) -> None:
    """Make the database (a SQLite file's folder too) and bring it to revision 0005."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(migrate.alembic_config(url), "0005")


def _write_0005_run(url: str) -> uuid.UUID:
    """A pipeline, a completed run and its step run, written with the columns of 0005."""
    now = datetime.now(timezone.utc)
    pipeline_id, run_id = uuid.uuid4(), uuid.uuid4()
    rows = [
        (PIPELINES, {"id": pipeline_id, "name": "old", "created": now, "updated": now}),
        (
            RUNS,
            {
                "id": run_id,
                "name": "old-run",
                "pipeline_id": pipeline_id,
                "pipeline_name": "old",
                "status": "completed",
                "config": PipelineConfig(name="old").model_dump(mode="json"),
                "is_unlisted": False,
                "created": now,
                "updated": now,
            },
        ),
        (
            STEP_RUNS,
            {
                "id": uuid.uuid4(),
                "pipeline_run_id": run_id,
                "name": "old_step",
                "step_name": "old_step",
                "status": "completed",
                "config": StepConfig().model_dump(mode="json"),
                "attempt": 1,
                "cache_components": {},
                "created": now,
                "updated": now,
            },
        ),
    ]
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            present = inspect(connection)
            for table, values in rows:
                columns = {column["name"] for column in present.get_columns(table.name)}
                assert "model_version_id" not in columns
                assert set(values) <= columns, set(values) - columns
                connection.execute(table.insert(), values)
    finally:
        engine.dispose()
    return run_id


def _schema(url: str) -> tuple[set[str], set[str], set[str]]:
    """Table names, and the columns of pipeline_runs and of step_runs."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            found = inspect(connection)
            return (
                set(found.get_table_names()),
                {column["name"] for column in found.get_columns("pipeline_runs")},
                {column["name"] for column in found.get_columns("step_runs")},
            )
    finally:
        engine.dispose()


def test_a_0005_database_with_a_run_upgrades_to_0006(store_url):
    _at_0005(store_url)
    tables, _, _ = _schema(store_url)
    assert not tables & MODEL_TABLES
    run_id = _write_0005_run(store_url)

    store = SqlStore(store_url)
    try:
        assert migrate.current_revisions(store._db) == [migrate.HEAD_REVISION]
        tables, run_columns, step_columns = _schema(store_url)
        assert tables >= MODEL_TABLES
        assert "model_version_id" in run_columns & step_columns
        old = store.get_run(run_id)
        assert (old.name, old.status.value, old.model_version_id) == ("old-run", "completed", None)
        assert old.model_version is None
        (old_step,) = store.get_run_steps(run_id).values()
        assert (old_step.name, old_step.model_version) == ("old_step", None)
    finally:
        store.close()


def test_models_work_on_an_upgraded_database(store_url, monkeypatch):
    _at_0005(store_url)
    run_id = _write_0005_run(store_url)
    monkeypatch.setenv("STEPWELL_STORE_URL", store_url)
    reset_store()
    try:
        new_run = new_pipeline()
        client = Client()
        version = client.get_model_version("after-upgrade", 1)
        assert client.get_pipeline_run(new_run.id).model_version.id == version.id
        assert client.get_pipeline_run(run_id).model_version is None
        assert [
            link.pipeline_run_id for link in client.list_model_version_pipeline_run_links()
        ] == [new_run.id]
    finally:
        reset_store()
