"""A real server on a real PostgreSQL under load: 64 runs at once from 16 client processes
(4 background runs each), once undisturbed and once while the server restarts in the
middle. Whatever the clients saw, the server's database (read with a `SqlStore` of its own)
must hold every run completed, each step once with its outputs, model versions 1..64
without a gap, and nothing else.

The undisturbed load prints its figures (wall time, requests per second, `get_pipeline_run`
latency while it runs) as one JSON line: run with `-s` to see them.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from live_server import RunningServer, launch_server
from load_client import MODEL, STEPS, run_name
from load_harness import LoadOutcome, run_load

from stepwell.enums import ExecutionStatus
from stepwell.store.sql.store import SqlStore

CLIENTS, RUNS_EACH = 16, 4
RUNS = CLIENTS * RUNS_EACH


def _store_fixtures() -> Any:
    """The metadata store tests' conftest (its PostgreSQL server fixture), loaded once."""
    name = "stepwell_store_test_fixtures"
    if name not in sys.modules:
        path = Path(__file__).resolve().parent.parent / "store" / "conftest.py"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # its dataclasses look their module up there
        spec.loader.exec_module(module)
    return sys.modules[name]


postgres_server = _store_fixtures().postgres_server
postgres_url = _store_fixtures().postgres_url


@pytest.fixture
def pg_server(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[RunningServer]:
    """A server on a fresh PostgreSQL database; this test's own `Client()` talks to it too
    (as the member), to time reads while the clients run."""
    running = launch_server(tmp_path / "server-home", database_url=postgres_url)
    for name, value in running.client_env("member").items():
        monkeypatch.setenv(name, value)
    active = importlib.import_module("stepwell.store.active")
    active.reset_store()
    yield running
    active.reset_store()
    running.stop()


def _check_recorded(store: SqlStore, artifacts: Path) -> None:
    """Every run once and completed, each with its three steps once and their outputs (bytes
    in the artifact store), its tags and metadata, and its own model version; 1..64."""
    runs = store.list_runs(pipeline="load_training", size=1000).items
    assert sorted(run.name for run in runs) == sorted(
        run_name(c, i) for c in range(CLIENTS) for i in range(RUNS_EACH)
    )
    unsuccessful = {run.name: (str(run.status), run.status_message) for run in runs}
    assert {k: v for k, v in unsuccessful.items() if v[0] != "completed"} == {}
    step_runs = store.list_step_runs(size=2000).items
    per_run = Counter((step.pipeline_run_id, step.name) for step in step_runs)
    assert set(per_run.values()) == {1}, "a step recorded twice in one run"
    assert len(per_run) == RUNS * len(STEPS)
    weights = []
    for run in runs:
        steps = store.get_run_steps(run.id)
        assert sorted(steps) == sorted(STEPS)
        for name, step in steps.items():
            assert step.status in (ExecutionStatus.COMPLETED, ExecutionStatus.CACHED), name
            (versions,) = step.outputs.values()
            assert len(versions) == 1 and Path(versions[0].uri).is_relative_to(artifacts)
            assert Path(versions[0].uri).exists(), f"{run.name}/{name}: bytes missing"
        assert steps["train"].status is ExecutionStatus.COMPLETED
        weights.append(steps["train"].outputs["weights"][0].load())
        assert "score" in steps["evaluate"].run_metadata
        assert {tag.name for tag in run.tags} >= {"load", f"client-{int(run.name[5:7])}"}
        assert run.model_version is not None and "loss" in run.model_version.run_metadata
    assert sorted(weights) == [10 + n for n in range(RUNS)]  # each run trained its own
    numbers = [v.number for v in store.list_model_versions(model=MODEL, size=1000).items]
    assert sorted(numbers) == list(range(1, RUNS + 1))
    assert len({run.model_version.id for run in runs}) == RUNS
    weight_versions = store.list_artifact_versions(artifact="weights", size=1000).items
    assert sorted(int(v.version) for v in weight_versions) == list(range(1, RUNS + 1))


def _assert_all_completed(outcome: LoadOutcome) -> None:
    seen = {line["name"]: line["status"] for line in outcome.runs}
    assert len(seen) == RUNS
    failed = {name: status for name, status in seen.items() if status != "completed"}
    assert failed == {}, outcome.client_output


def test_64_runs_at_once_are_all_recorded_once_on_postgres(pg_server, tmp_path):
    load = tmp_path / "load"
    outcome = run_load(pg_server, load, run_name, CLIENTS, RUNS_EACH)
    store = SqlStore(pg_server.store_url)
    try:
        _check_recorded(store, load / "artifacts")
    finally:
        store.close()
    _assert_all_completed(outcome)
    assert outcome.latencies, "no get_pipeline_run was timed while the runs went on"
    print("\nserver load figures:", json.dumps(outcome.figures()))


def test_runs_finish_when_the_server_restarts_in_the_middle(pg_server, tmp_path):
    load = tmp_path / "load"
    watcher = SqlStore(pg_server.store_url)
    restarted: list[int] = []

    def restart_once_steps_are_running() -> None:
        deadline = time.monotonic() + 120
        while watcher.list_step_runs(size=1).total < RUNS and time.monotonic() < deadline:
            time.sleep(0.05)
        restarted.append(watcher.list_step_runs(size=1).total)
        stopping = time.monotonic()
        pg_server.stop()  # SIGTERM: uvicorn answers what is in flight, then exits
        stopped = time.monotonic()
        pg_server.start()  # the same port; clients retry meanwhile
        print(
            f"\nserver restart: {restarted[0]} step runs recorded; SIGTERM to exit "
            f"{stopped - stopping:.1f} s, start to /health {time.monotonic() - stopped:.1f} s"
        )

    try:
        outcome = run_load(
            pg_server, load, run_name, CLIENTS, RUNS_EACH, during=restart_once_steps_are_running
        )
        _check_recorded(watcher, load / "artifacts")
        _assert_all_completed(outcome)
    finally:
        watcher.close()
    assert restarted and restarted[0] < RUNS * len(STEPS), "the restart came after the load"
