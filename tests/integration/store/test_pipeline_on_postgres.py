"""A real PostgreSQL is configuration, not code: the same pipeline runs with STEPWELL_STORE_URL."""

import importlib

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.enums import ExecutionStatus


@step
def make() -> dict:
    return {"rows": 3}


@step
def count(data: dict) -> int:
    return data["rows"]


@pipeline
def postgres_pipeline():
    count(make())


def test_a_pipeline_runs_and_caches_on_postgres(postgres_url, monkeypatch):
    monkeypatch.setenv("STEPWELL_STORE_URL", postgres_url)
    importlib.import_module("stepwell.store.active").reset_store()
    first = postgres_pipeline()
    assert first.status is ExecutionStatus.COMPLETED
    assert Client().store.url == postgres_url
    again = Client().get_pipeline_run(first.name)
    assert again.steps["count"].output.load() == 3
    second = postgres_pipeline()
    assert {s.status for s in second.steps.values()} == {ExecutionStatus.CACHED}
