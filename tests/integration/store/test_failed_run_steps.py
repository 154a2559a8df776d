"""A run that fails because the store cannot record a step leaves no step run `running`.

The database itself refuses the step's output version (an SQLite trigger), the way a
concurrent writer's unique violation used to on PostgreSQL: recording the step fails, the
run fails, and the step run that could not complete ends `failed` with it.
"""

from __future__ import annotations

import sqlite3
from typing import Annotated

import pytest

from stepwell import pipeline, step
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import StoreError
from stepwell.store.active import reset_store
from stepwell.store.sql import SqlStore

_REFUSE_POISONED_VERSIONS = """
CREATE TRIGGER refuse_poisoned BEFORE INSERT ON artifact_versions
WHEN (SELECT name FROM artifacts WHERE id = NEW.artifact_id) = 'poisoned'
BEGIN SELECT RAISE(ABORT, 'the database refused this version'); END
"""


@step
def produce() -> Annotated[int, "poisoned"]:
    return 1


@step
def consume(value: int) -> int:
    return value + 1


@pipeline(enable_cache=False)
def refused_pipeline() -> None:
    consume(produce())


@pytest.mark.parametrize("debug", [True, False], ids=["inline", "local"])
def test_a_run_failing_to_record_a_step_ends_that_step_failed(tmp_path, monkeypatch, debug):
    path = tmp_path / "store.db"
    url = f"sqlite:///{path}"
    SqlStore(url).close()  # the schema, before the trigger goes in
    SqlStore(url).create_artifact_version(
        name="poisoned", uri=str(tmp_path / "v1"), data_type="builtins.int", materializer="m"
    )
    with sqlite3.connect(path) as connection:
        connection.execute(_REFUSE_POISONED_VERSIONS)
    monkeypatch.setenv("STEPWELL_STORE_URL", url)
    reset_store()

    with pytest.raises(StoreError, match="the database refused this version"):
        refused_pipeline.with_options(settings={"orchestrator": {"debug": debug}})()

    store = SqlStore(url)
    (run,) = store.list_runs().items
    steps = store.get_run_steps(run.id)
    assert run.status is ExecutionStatus.FAILED
    assert steps["produce"].status is ExecutionStatus.FAILED
    assert steps["produce"].end_time is not None
    assert all(s.status.is_finished for s in steps.values())
    store.close()
