"""Cache hits are recorded in batches, yet every reader sees them when it matters.

A burst of hits is written in one transaction; the buffer is written before a step starts
(so it can read its upstream's records), before the run waits for a running step, and before
the run's end is recorded.
"""

import time

import pytest
from sqlalchemy import event

from stepwell import get_step_context, pipeline, step
from stepwell.client import Client
from stepwell.enums import ExecutionStatus
from stepwell.store.active import get_store

CACHED, COMPLETED = ExecutionStatus.CACHED, ExecutionStatus.COMPLETED


@step
def inc(x: int) -> int:
    return x + 1


@pipeline
def chain():
    value = inc(0, id="inc_0")
    for index in range(1, 8):
        value = inc(value, id=f"inc_{index}")


def count_write_transactions():
    """Count write transactions (BEGIN IMMEDIATE on SQLite) while the block runs."""
    engine = get_store()._db.engine
    begun = []

    def on_begin(connection):
        if connection.get_execution_options().get("stepwell_write"):
            begun.append(1)

    event.listen(engine, "begin", on_begin)
    return begun, lambda: event.remove(engine, "begin", on_begin)


@pytest.fixture(params=["processes", "debug"])
def mode(request, monkeypatch):
    """Run under both orchestrators: worker processes, and inline (debug mode)."""
    if request.param == "debug":
        monkeypatch.setenv("STEPWELL_DEBUG", "True")
    return request.param


def test_a_fully_cached_run_records_every_hit_with_few_transactions(mode):
    first = chain()
    begun, stop = count_write_transactions()
    try:
        second = chain()
    finally:
        stop()
    steps = second.steps
    assert [steps[f"inc_{i}"].status for i in range(8)] == [CACHED] * 8
    assert [steps[f"inc_{i}"].original_step_run_id for i in range(8)] == [
        first.steps[f"inc_{i}"].id for i in range(8)
    ]
    assert steps["inc_7"].outputs["output"][0].load() == 8
    # The run's own records (create, start, end) plus one batch for the 8 hits; one
    # transaction per hit would make it 8 more.
    assert len(begun) < 8


@step(enable_cache=False)
def slow_reader(expected: int) -> list:
    """Wait (up to 20 s) until the run shows `expected` cached steps in the store."""
    run_name = get_step_context().pipeline_run.name
    deadline = time.monotonic() + 20
    while True:
        steps = Client().get_pipeline_run(run_name).steps
        seen = sorted(name for name, s in steps.items() if s.status is CACHED)
        if len(seen) >= expected or time.monotonic() > deadline:
            return seen
        time.sleep(0.05)


@step(enable_cache=False)
def reader(x: int) -> list:
    run_name = get_step_context().pipeline_run.name
    steps = Client().get_pipeline_run(run_name).steps
    return sorted(name for name, s in steps.items() if s.status is CACHED)


@pipeline
def side_by_side(expected: int):
    slow_reader(expected)
    inc(inc(inc(0, id="a"), id="b"), id="c")


@pipeline
def downstream():
    reader(inc(inc(inc(0, id="a"), id="b"), id="c"))


def test_hits_are_in_the_store_while_the_run_waits_for_another_branch():
    side_by_side(expected=0)  # fills the cache of a, b and c
    run = side_by_side(expected=3)
    steps = run.steps
    assert {name for name, s in steps.items() if s.status is CACHED} == {"a", "b", "c"}
    # The slow step saw the hits while it ran, not only once the run had ended.
    assert steps["slow_reader"].outputs["output"][0].load() == ["a", "b", "c"]


def test_hits_are_in_the_store_before_a_downstream_step_starts(mode):
    downstream()
    run = downstream()
    assert run.steps["reader"].status is COMPLETED
    assert run.steps["reader"].outputs["output"][0].load() == ["a", "b", "c"]


KILLED_MID_BURST = """
    import os
    import sys

    from stepwell import pipeline, step
    from stepwell.enums import ExecutionStatus
    from stepwell.orchestrators.events import observing

    @step
    def inc(x: int) -> int:
        return x + 1

    @step(enable_cache=False)
    def mid(x: int) -> int:
        return x

    @pipeline
    def chain():
        value = inc(inc(0, id="inc_0"), id="inc_1")
        value = mid(value)  # runs in a worker: the hits before it are written first
        for index in range(2, 6):
            value = inc(value, id=f"inc_{index}")

    class KillAtTheFourthHit:
        hits = 0

        def step_changed(self, invocation_id, status, duration):
            if status is ExecutionStatus.CACHED:
                self.hits += 1
                if self.hits == 4:  # inc_2 and inc_3 are decided, still buffered
                    os._exit(9)  # as abrupt as SIGKILL: no cleanup, no flush

    if __name__ == "__main__":
        if sys.argv[1] == "fill":
            chain()
        else:
            with observing(KillAtTheFourthHit()):
                chain()
"""


def test_an_orchestrator_killed_mid_burst_leaves_a_whole_store(tmp_path, monkeypatch):
    import sqlite3
    import subprocess
    import sys
    import textwrap

    from stepwell.config.environment import store_url

    monkeypatch.setenv("STEPWELL_HEARTBEAT_INTERVAL", "0.2")
    script = tmp_path / "killed.py"
    script.write_text(textwrap.dedent(KILLED_MID_BURST))

    def run_script(mode):
        return subprocess.run(
            [sys.executable, str(script), mode], capture_output=True, text=True, timeout=120
        )

    for mode, code in (("fill", 0), ("kill", 9)):
        done = run_script(mode)
        assert done.returncode == code, done.stderr

    client = Client()
    filled, killed = sorted(client.list_pipeline_runs(), key=lambda run: run.created)
    time.sleep(1)  # more than three missed heartbeats: the killed run is seen as dead
    killed = client.get_pipeline_run(killed.id)
    assert killed.status is ExecutionStatus.FAILED
    # Written: the hits before `mid` (flushed when it started) and `mid` itself. Lost with
    # the process: the buffered hits after it. What was written is whole.
    steps = killed.steps
    assert {name: s.status for name, s in steps.items()} == {
        "inc_0": CACHED,
        "inc_1": CACHED,
        "mid": COMPLETED,
    }
    for name in ("inc_0", "inc_1"):
        assert steps[name].original_step_run_id == filled.steps[name].id
    database = store_url().removeprefix("sqlite:///")
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []

    assert run_script("fill").returncode == 0  # the store goes on working
    again = max(client.list_pipeline_runs(), key=lambda run: run.created)
    statuses = {name: s.status for name, s in again.steps.items()}
    assert statuses.pop("mid") is COMPLETED
    assert set(statuses.values()) == {CACHED} and len(statuses) == 6


SEEN_BY_THE_PIPELINE_FUNCTION: list = []


@pipeline(dynamic=True)
def dynamic_reader():
    inc(inc(0, id="a"), id="b")
    # The function runs on between steps: the hits it waited for are in the store by now.
    newest = Client().list_pipeline_runs()[0]
    SEEN_BY_THE_PIPELINE_FUNCTION.append(sorted(newest.steps))


def test_hits_are_in_the_store_when_a_dynamic_pipeline_function_goes_on(mode):
    dynamic_reader()
    run = dynamic_reader()
    assert {s.status for s in run.steps.values()} == {CACHED}
    assert SEEN_BY_THE_PIPELINE_FUNCTION[-1] == ["a", "b"]


@step(enable_cache=False)
def breaks() -> int:
    raise ValueError("broken")


@pipeline(enable_cache=False)
def many_dependants():
    value = breaks()
    for index in range(8):
        inc(value, id=f"after_{index}")


def test_steps_skipped_by_a_failure_are_recorded_together(mode):
    with pytest.raises(Exception, match="breaks|broken"):
        many_dependants()  # a first run sets up the store (default stack, pipeline)
    begun, stop = count_write_transactions()
    try:
        with pytest.raises(Exception, match="breaks|broken"):
            many_dependants()
    finally:
        stop()
    run = Client().list_pipeline_runs(pipeline_name="many_dependants")[0]
    skipped = [s for s in run.steps.values() if s.status is ExecutionStatus.SKIPPED]
    assert sorted(s.name for s in skipped) == [f"after_{i}" for i in range(8)]
    assert all(s.end_time is not None for s in skipped)
    # Run, the failing step's start and end, the run's end, one batch of skips: one
    # transaction per skipped step would add 7 more.
    assert len(begun) < 8
