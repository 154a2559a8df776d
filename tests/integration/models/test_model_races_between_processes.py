"""Several processes working on one model at the same moment, on SQLite and on PostgreSQL.

Runs of one model started together must get distinct version numbers 1..N (the first
ones also race to create the model), or share the one named version they all ask for;
promotions of different versions to production with
`force=True` must end with exactly one production version. The processes are real, forked
from this one, and released together by a barrier; the evidence is the stored records.
"""

from __future__ import annotations

import multiprocessing
import queue
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from stepwell.client import Client
from stepwell.enums import ExecutionStatus

PROCESSES = 6
DEADLINE = 90.0


@pytest.fixture
def workers(monkeypatch):
    monkeypatch.syspath_prepend(str(Path(__file__).parent))
    import model_race_workers

    return model_race_workers


def _race(url: str, target: Callable[..., None], extra_args: list[tuple[Any, ...]]) -> list[Any]:
    """Start one process per entry of `extra_args`, release them together, and return what
    each reported; fail with their tracebacks if any failed."""
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(extra_args))
    results = context.Queue()
    processes = [
        context.Process(target=target, args=(url, *args, barrier, results)) for args in extra_args
    ]
    for process in processes:
        process.start()
    reports = []
    deadline = time.monotonic() + DEADLINE
    try:
        for _ in processes:
            try:
                reports.append(results.get(timeout=max(0.1, deadline - time.monotonic())))
            except queue.Empty:
                pytest.fail(f"only {len(reports)} of {len(processes)} processes reported in time")
    finally:
        for process in processes:
            process.join(timeout=30)
        results.close()
        results.join_thread()
    errors = [report[2] for report in reports if report[0] != "ok"]
    assert not errors, "\n".join(errors)
    return [report[2] for report in reports]


def _check_each_run_has_its_own_version(client: Client, run_ids: list[str]) -> set[int]:
    """Every run completed with a version no other run has, whose number its step saw."""
    numbers = set()
    for run_id in run_ids:
        run = client.get_pipeline_run(uuid.UUID(run_id))
        assert run.status is ExecutionStatus.COMPLETED
        version = run.model_version
        assert version is not None and version.model_name == "racing"
        assert run.steps["seen_number"].output.load() == version.number
        assert list(version.pipeline_run_ids.values()) == [run.id]
        numbers.add(version.number)
    return numbers


def test_runs_started_together_get_numbers_one_to_n_without_gaps(client, store_url, workers):
    first = _race(store_url, workers.run_training, [(False,) for _ in range(PROCESSES)])
    assert _check_each_run_has_its_own_version(client, first) == set(range(1, PROCESSES + 1))
    second = _race(store_url, workers.run_training, [(False,) for _ in range(PROCESSES)])
    assert _check_each_run_has_its_own_version(client, second) == set(
        range(PROCESSES + 1, 2 * PROCESSES + 1)
    )
    versions = client.list_model_versions("racing", size=100)
    assert [v.number for v in versions] == list(range(1, 2 * PROCESSES + 1))
    assert [v.name for v in versions] == [str(n) for n in range(1, 2 * PROCESSES + 1)]
    assert client.list_models().total == 1


def test_runs_naming_one_new_version_together_make_it_once_and_share_it(client, store_url, workers):
    run_ids = _race(store_url, workers.run_training, [(True,) for _ in range(PROCESSES)])
    (version,) = client.list_model_versions("racing")
    assert (version.name, version.number) == ("shared", 1)
    assert sorted(version.pipeline_run_ids.values()) == sorted(uuid.UUID(i) for i in run_ids)
    for run_id in run_ids:
        run = client.get_pipeline_run(uuid.UUID(run_id))
        assert run.model_version.id == version.id
        assert run.steps["seen_number"].output.load() == 1


def test_processes_asking_for_one_new_named_version_at_once_make_it_once(
    client, store_url, workers
):
    ids = _race(store_url, workers.resolve_shared, [() for _ in range(PROCESSES)])
    (version,) = client.list_model_versions("racing")
    assert (version.name, version.number) == ("shared", 1)
    assert set(ids) == {str(version.id)}
    assert client.list_models().total == 1


def test_forced_promotions_at_once_leave_exactly_one_production_version(client, store_url, workers):
    client.create_model("racing")
    for _ in range(PROCESSES):
        client.create_model_version("racing")
    client.update_model_version("racing", 1, stage="production")
    numbers = list(range(2, PROCESSES + 1))
    for _round in range(2):
        promoted = _race(store_url, workers.promote, [(number,) for number in numbers])
        assert sorted(promoted) == numbers
        stages = {v.number: v.stage for v in client.list_model_versions("racing", size=100)}
        holders = [number for number, stage in stages.items() if stage == "production"]
        assert len(holders) == 1, stages
        assert all(stage == "archived" for n, stage in stages.items() if n != holders[0])
        assert client.get_model_version("racing", "production").number == holders[0]
