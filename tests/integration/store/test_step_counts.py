"""Counting a page of runs' steps by status in one query (what a runs list shows)."""

from __future__ import annotations

import uuid

import pytest

from stepwell.enums import ExecutionStatus
from stepwell.exceptions import QueryError

S = ExecutionStatus


def test_steps_are_counted_by_status_of_their_latest_attempt(store, make_run, make_step):
    run = make_run(store)
    other = make_run(store)
    empty = make_run(store)
    load = make_step(store, run.id, "load")
    store.update_step_run(load.id, status=S.COMPLETED)
    make_step(store, run.id, "prepare", status=S.CACHED)
    make_step(store, run.id, "split", status=S.CACHED)
    first_try = make_step(store, run.id, "train")
    store.update_step_run(first_try.id, status=S.FAILED, exception="boom")
    store.update_step_run(first_try.id, status=S.RETRIED)
    make_step(store, run.id, "train", attempt=2)  # running
    make_step(store, other.id, "load", status=S.CACHED)
    unknown = uuid.uuid4()

    counts = store.count_run_steps([run.id, empty.id, unknown])

    assert counts == {
        run.id: {"completed": 1, "cached": 2, "running": 1},
        empty.id: {},
        unknown: {},
    }


def test_counting_too_many_runs_at_once_is_refused(store):
    with pytest.raises(QueryError, match="one page of runs"):
        store.count_run_steps([uuid.uuid4() for _ in range(1001)])


def test_step_states_are_latest_attempts_with_the_producers_of_their_inputs(
    store, make_run, make_step, make_version
):
    run = make_run(store)
    load = make_step(store, run.id, "load")
    data = make_version(store, "data", producer=load.id)
    store.update_step_run(load.id, status=S.COMPLETED, outputs={"output": [data.id]})
    first_try = make_step(store, run.id, "train", inputs={"data": [data.id]})
    store.update_step_run(first_try.id, status=S.FAILED, exception="boom")
    store.update_step_run(first_try.id, status=S.RETRIED)
    second_try = make_step(store, run.id, "train", inputs={"data": [data.id]}, attempt=2)

    states = store.list_step_states(run.id)

    assert [(s.name, s.id, s.status, s.attempt) for s in states] == [
        ("load", load.id, S.COMPLETED, 1),
        ("train", second_try.id, S.RUNNING, 2),
    ]
    assert states[0].upstream_step_run_ids == []
    assert states[1].upstream_step_run_ids == [load.id]


def test_step_states_since_a_moment_hold_only_the_steps_changed_since(store, make_run, make_step):
    run = make_run(store)
    quiet = make_step(store, run.id, "quiet")
    busy = make_step(store, run.id, "busy")
    moment = max(s.updated for s in store.list_step_states(run.id))
    finished = store.update_step_run(busy.id, status=S.COMPLETED)
    assert finished.updated > moment

    changed = store.list_step_states(run.id, updated_after=finished.updated)

    assert [(s.id, s.status) for s in changed] == [(busy.id, S.COMPLETED)]
    assert quiet.id not in {s.id for s in changed}


def test_step_states_of_an_unknown_run_are_an_error(store):
    from stepwell.exceptions import EntityNotFoundError

    with pytest.raises(EntityNotFoundError):
        store.list_step_states(uuid.uuid4())
