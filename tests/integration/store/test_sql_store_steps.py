"""Step runs in the SQL metadata store: attempts, a run's steps, the cache, status rules."""

from __future__ import annotations

from contextlib import contextmanager
from uuid import UUID

import pytest
from sqlalchemy import event

from stepwell.config.step_config import StepConfig
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import EntityNotFoundError, StoreError
from stepwell.store.models import NewStepRun

S = ExecutionStatus


class _Recording:
    """A sqlite3 connection that notes each statement it is asked to run (once for a batch),
    leaving out BEGIN, COMMIT and ROLLBACK as SQLAlchemy's events do on SQLite."""

    def __init__(self, connection, statements):
        self._connection, self._statements = connection, statements

    def execute(self, statement, *args):
        if statement.split()[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK"):
            self._statements.append(statement)
        return self._connection.execute(statement, *args)

    def executemany(self, statement, rows):
        self._statements.append(statement)
        return self._connection.executemany(statement, rows)

    def __getattr__(self, name):
        return getattr(self._connection, name)


@contextmanager
def count_statements(store):
    """Count the SQL statements the store sends while the block runs: through SQLAlchemy's
    engine, and through the direct path's own connection when the store has one."""
    engine = store._db.engine
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    direct = getattr(store, "_direct", None)
    if direct is not None:
        current = direct._current
        direct._current = lambda: _Recording(current(), statements)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
        if direct is not None:
            del direct._current


def _chain(store, run_id, steps, make_step, make_version):
    """Record `steps` step runs, each reading the previous one's output."""
    previous: list[UUID] = []
    for index in range(steps):
        step = make_step(store, run_id, f"step_{index}", inputs={"data": previous})
        output = make_version(store, "data", producer=step.id)
        store.update_step_run(step.id, status=S.COMPLETED, outputs={"output": [output.id]})
        previous = [output.id]


def test_run_steps_are_latest_attempts_with_artifacts(store, make_run, make_step, make_version):
    run = make_run(store)
    raw = make_version(store, "raw")
    load = make_step(store, run.id, "load", inputs={"path": [raw.id]})
    data = make_version(store, "data", producer=load.id)
    store.update_step_run(load.id, status=S.COMPLETED, outputs={"output": [data.id]})

    first_try = make_step(store, run.id, "train", inputs={"data": [data.id]})
    store.update_step_run(first_try.id, status=S.FAILED, exception="boom")
    store.update_step_run(first_try.id, status=S.RETRIED)
    evaluate = make_step(store, run.id, "evaluate", inputs={"data": [data.id, raw.id]})
    second_try = make_step(store, run.id, "train", inputs={"data": [data.id]}, attempt=2)
    model = make_version(store, "model", producer=second_try.id)
    store.update_step_run(second_try.id, status=S.COMPLETED, outputs={"model": [model.id]})

    steps = store.get_run_steps(run.id)
    assert list(steps) == ["load", "train", "evaluate"]
    assert steps["train"].id == second_try.id
    assert steps["train"].attempt == 2
    assert steps["train"].status is S.COMPLETED
    assert [v.id for v in steps["train"].inputs["data"]] == [data.id]
    assert [v.id for v in steps["train"].outputs["model"]] == [model.id]
    assert steps["train"].output.name == "model"
    assert [v.id for v in steps["evaluate"].inputs["data"]] == [data.id, raw.id]
    assert steps["evaluate"].id == evaluate.id
    assert steps["evaluate"].outputs == {}
    assert steps["load"].outputs["output"][0].version_number == 1
    assert all(step._store is store for step in steps.values())
    # The run response reaches the same data lazily.
    assert list(store.get_run(run.id).steps) == ["load", "train", "evaluate"]

    attempts = store.list_step_run_attempts(run.id, "train")
    assert [(a.attempt, a.status) for a in attempts] == [(1, S.RETRIED), (2, S.COMPLETED)]
    assert attempts[0].exception == "boom"
    assert [v.id for v in attempts[0].inputs["data"]] == [data.id]
    assert store.list_step_run_attempts(run.id, "nothing") == []


def test_run_steps_use_a_constant_number_of_queries(store, make_run, make_step, make_version):
    small, large = make_run(store), make_run(store)
    _chain(store, small.id, 2, make_step, make_version)
    _chain(store, large.id, 12, make_step, make_version)

    with count_statements(store) as few:
        assert len(store.get_run_steps(small.id)) == 2
    with count_statements(store) as many:
        steps = store.get_run_steps(large.id)
    assert len(steps) == 12
    assert all(len(step.outputs["output"]) == 1 for step in steps.values())
    assert len(many) == len(few) <= 3


def test_run_steps_of_unknown_run(store, make_run):
    assert store.get_run_steps(make_run(store).id) == {}
    with pytest.raises(EntityNotFoundError):
        store.get_run_steps(UUID(int=1))


def test_status_only_moves_forward(store, make_run, make_step):
    run = make_run(store)
    step = make_step(store, run.id, "train")
    store.update_step_run(step.id, status=S.RUNNING)
    store.update_step_run(step.id, status=S.COMPLETED)
    with pytest.raises(StoreError, match="completed.*cannot go back to running"):
        store.update_step_run(step.id, status=S.RUNNING)
    assert store.get_step_run(step.id).status is S.COMPLETED
    # A finished status may still be corrected to another finished one.
    assert store.update_step_run(step.id, status=S.FAILED).status is S.FAILED

    store.update_run(run.id, status=S.RUNNING)
    store.update_run(run.id, status=S.STOPPED)
    with pytest.raises(StoreError, match="stopped"):
        store.update_run(run.id, status=S.QUEUED)
    assert store.get_run(run.id).status is S.STOPPED


def test_find_cached_step_run(store, make_run, make_step, make_version):
    assert store.find_cached_step_run("key") is None
    run = make_run(store)
    old = make_step(store, run.id, "train", cache_key="key")
    old_output = make_version(store, "model", producer=old.id)
    store.update_step_run(old.id, status=S.COMPLETED, outputs={"model": [old_output.id]})
    new = make_step(store, run.id, "train", cache_key="key", attempt=2)
    new_output = make_version(store, "model", producer=new.id)
    store.update_step_run(new.id, status=S.COMPLETED, outputs={"model": [new_output.id]})
    make_step(store, run.id, "train", cache_key="key", attempt=3)  # still running
    make_step(store, run.id, "other", cache_key="other-key", status=S.FAILED)

    cached_run = make_run(store)
    reused = make_step(
        store,
        cached_run.id,
        "train",
        status=S.CACHED,
        cache_key="key",
        original_step_run_id=new.id,
        outputs={"model": [new_output.id]},
    )
    assert [v.id for v in reused.outputs["model"]] == [new_output.id]
    assert store.get_step_run(reused.id).original_step_run_id == new.id

    found = store.find_cached_step_run("key")
    assert found is not None
    assert found.id == new.id
    assert [v.id for v in found.outputs["model"]] == [new_output.id]
    assert store.find_cached_step_run("other-key") is None


def test_create_step_runs_records_a_batch_with_links_in_one_transaction(
    store, make_run, make_step, make_version
):
    run = make_run(store)
    first = make_step(store, run.id, "load", cache_key="k1")
    data = make_version(store, "data", producer=first.id)
    store.update_step_run(first.id, status=S.COMPLETED, outputs={"output": [data.id]})
    again = make_run(store)
    records = [
        NewStepRun(
            pipeline_run_id=again.id,
            name="load",
            step_name="load",
            config=StepConfig(),
            status=S.CACHED,
            inputs={},
            outputs={"output": [data.id]},
            cache_key="k1",
            cache_components={"code": "abc"},
            original_step_run_id=first.id,
        ),
        NewStepRun(
            pipeline_run_id=again.id,
            name="train",
            step_name="train",
            config=StepConfig(enable_cache=True),
            status=S.CACHED,
            inputs={"data": [data.id, data.id]},
        ),
    ]
    with count_statements(store) as statements:
        store.create_step_runs(records)
    commits = [s for s in statements if s.strip().upper().startswith(("COMMIT", "BEGIN"))]
    inserts = [s for s in statements if s.strip().upper().startswith("INSERT")]
    assert len(inserts) == 3  # step runs, input links, output links: each one statement
    assert len(commits) <= 2  # one transaction (drivers may not send BEGIN/COMMIT as SQL)

    steps = store.get_run_steps(again.id)
    assert list(steps) == ["load", "train"]  # in the order the records were made
    assert steps["load"].id == records[0].id
    assert steps["load"].original_step_run_id == first.id
    assert steps["load"].cache_components == {"code": "abc"}
    assert [v.id for v in steps["load"].outputs["output"]] == [data.id]
    assert [v.id for v in steps["train"].inputs["data"]] == [data.id, data.id]
    assert steps["train"].config.enable_cache is True
    store.create_step_runs([])  # nothing to write is fine


def test_create_step_runs_writes_nothing_when_one_record_is_bad(store, make_run):
    run = make_run(store)
    good = NewStepRun(run.id, "a", "a", StepConfig(), S.CACHED, inputs={})
    bad = NewStepRun(run.id, "b", "b", StepConfig(), S.CACHED, inputs={"x": [UUID(int=7)]})
    with pytest.raises(StoreError):
        store.create_step_runs([good, bad])
    assert store.get_run_steps(run.id) == {}


def test_find_previous_step_run_is_the_newest_earlier_success_of_that_step_and_pipeline(
    store, make_run, make_step
):
    def finished(run, name, status=S.COMPLETED, **kwargs):
        step = make_step(store, run.id, name, **kwargs)
        return store.update_step_run(step.id, status=status)

    old = finished(make_run(store), "train")
    newer_run = make_run(store)
    newer = finished(newer_run, "train")
    finished(newer_run, "evaluate")
    finished(make_run(store), "train", status=S.FAILED)  # failures are not reusable
    finished(make_run(store, pipeline="other"), "train")  # another pipeline
    current_run = make_run(store)
    current = finished(current_run, "train")
    later = finished(make_run(store), "train")  # a later run

    found = store.find_previous_step_run(current.id)
    assert found is not None and found.id == newer.id
    assert store.find_previous_step_run(newer.id).id == old.id
    assert store.find_previous_step_run(old.id) is None
    cached_run = make_run(store)
    cached = make_step(
        store, cached_run.id, "train", status=S.CACHED, original_step_run_id=current.id
    )
    assert store.find_previous_step_run(cached.id).id == later.id
    assert store.find_previous_step_run(make_step(store, make_run(store).id, "train").id).id == (
        cached.id  # a cached step run counts as a success (with its original's key)
    )
    with pytest.raises(EntityNotFoundError):
        store.find_previous_step_run(UUID(int=11))


def test_unknown_references_are_refused(store, make_run, make_step):
    run = make_run(store)
    with pytest.raises(EntityNotFoundError, match=str(UUID(int=5))):
        make_step(store, run.id, "train", inputs={"data": [UUID(int=5)]})
    assert store.get_run_steps(run.id) == {}
    with pytest.raises(StoreError):
        make_step(store, UUID(int=9), "train")
    with pytest.raises(EntityNotFoundError):
        store.update_step_run(UUID(int=3), status=S.COMPLETED)
    step = make_step(store, run.id, "train")
    with pytest.raises(StoreError):
        store.update_step_run(step.id, outputs={"model": [UUID(int=4)]})
    assert store.get_step_run(step.id).outputs == {}


def _version_fields(name, uri):
    return {
        "name": name,
        "uri": uri,
        "data_type": "builtins:int",
        "materializer": "m:M",
        "content_hash": "h",
        "size": 1,
    }


def test_complete_step_run_records_outputs_and_status_together(store, make_run, make_step):
    from datetime import datetime, timezone

    run = make_run(store)
    step = make_step(store, run.id, "train")
    done = datetime.now(timezone.utc)
    outputs = store.complete_step_run(
        step.id, end_time=done, outputs={"model": [_version_fields("model", "/a/1")]}
    )
    assert outputs["model"][0].version_number == 1
    assert outputs["model"][0].producer_step_run_id is None  # as given
    stored = store.get_step_run(step.id)
    assert stored.status is S.COMPLETED
    assert stored.end_time == done
    assert [v.id for v in stored.outputs["model"]] == [outputs["model"][0].id]


def test_complete_step_run_refuses_a_step_that_is_not_running(store, make_run, make_step):
    from datetime import datetime, timezone

    run = make_run(store)
    step = make_step(store, run.id, "train", status=S.FAILED)
    with pytest.raises(StoreError, match="not running"):
        store.complete_step_run(
            step.id,
            end_time=datetime.now(timezone.utc),
            outputs={"model": [_version_fields("model", "/a/2")]},
        )
    # Nothing of the attempt is left behind: the version went with the failed transaction.
    assert store.list_artifact_versions(name="model") == []
    assert store.get_step_run(step.id).outputs == {}
