"""Deleting the run that first computed a step keeps its result reusable: later runs that
reused it still hold its outputs, and the cache finds them there."""

from __future__ import annotations

import time

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.enums import ExecutionStatus
from stepwell.store.active import get_store

CACHED, COMPLETED = ExecutionStatus.CACHED, ExecutionStatus.COMPLETED


@step
def load(value: int = 3) -> int:
    return value


@step
def double(x: int) -> int:
    return 2 * x


@pipeline
def doubled(value: int = 3):
    double(load(value=value))


def test_a_result_outlives_the_run_that_computed_it():
    first = doubled()
    time.sleep(0.01)
    second = doubled()
    assert {s.status for s in second.steps.values()} == {CACHED}
    made = first.steps["double"].outputs["output"][0]

    Client().delete_pipeline_run(first.id)
    third = doubled()

    assert {name: s.status for name, s in third.steps.items()} == {
        "load": CACHED,
        "double": CACHED,
    }
    reused = third.steps["double"]
    assert reused.outputs["output"][0].id == made.id
    assert reused.outputs["output"][0].load() == 6
    # What it reused: the second run's record of the result, the first one being gone.
    assert reused.original_step_run_id == second.steps["double"].id
    hit = get_store().find_cached_step_run(reused.cache_key)
    assert hit is not None
    assert hit.end_time == made.created  # as old as the result, not as the cached record


def test_a_new_result_is_preferred_to_a_reused_one():
    doubled(value=5)
    second = doubled(value=5)
    Client().delete_pipeline_run(Client().list_pipeline_runs(sort_by="asc:created")[0].id)
    fresh = doubled.with_options(enable_cache=False)(value=5)
    assert fresh.steps["double"].status == COMPLETED
    again = doubled(value=5)
    assert again.steps["double"].original_step_run_id == fresh.steps["double"].id
    assert again.steps["double"].original_step_run_id != second.steps["double"].id


def test_the_oldest_run_that_reused_a_result_becomes_its_producer():
    first = doubled(value=7)
    later = [doubled(value=7) for _ in range(3)]
    made = first.steps["double"].outputs["output"][0]
    Client().delete_pipeline_run(first.id)
    version = Client().get_artifact_version(made.id)
    assert version.producer_step_run_id == later[0].steps["double"].id
