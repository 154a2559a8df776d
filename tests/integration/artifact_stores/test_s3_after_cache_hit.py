"""Steps downstream of a cache hit read their inputs from S3 in a fresh worker.

Checking a cached step in the orchestrating process uses the store's s3fs filesystem there;
a worker forked afterwards must not reuse that filesystem (nor fsspec's event loop), which
fsspec refuses ("This class is not fork-safe"). S3 is moto's server on loopback; the stack,
the orchestrator and its worker processes are real.
"""

from __future__ import annotations

import pytest
import s3fs

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.enums import ExecutionStatus


@step
def numbers() -> list:
    return [1, 2, 3]


@step
def scaled_total(values: list, factor: int) -> int:
    return sum(values) * factor


@pipeline
def cached_then_fresh(factor: int) -> None:
    scaled_total(numbers(), factor)


def _run_twice(start_method: str):
    settings = {"orchestrator": {"start_method": start_method}}
    first = cached_then_fresh.with_options(settings=settings)(factor=1)
    assert first.status is ExecutionStatus.COMPLETED
    second = cached_then_fresh.with_options(settings=settings)(factor=2)
    return second


def _assert_cache_hit_then_fresh_step(second) -> None:
    steps = Client().get_pipeline_run(second.name).steps
    assert steps["numbers"].status is ExecutionStatus.CACHED
    assert steps["scaled_total"].status is ExecutionStatus.COMPLETED
    assert steps["scaled_total"].output.load() == 12


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_a_step_after_a_cache_hit_reads_its_input_from_an_s3_flavor_store(
    bucket, s3_proxy, monkeypatch, start_method
):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "env-access-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
    client = Client()
    client.create_stack_component(
        "s3_store",
        "s3",
        "artifact_store",
        {"path": f"s3://{bucket}/stepwell", "endpoint_url": s3_proxy.url},
    )
    client.create_stack("cluster", {"orchestrator": "default", "artifact_store": "s3_store"})
    client.activate_stack("cluster")

    second = _run_twice(start_method)

    _assert_cache_hit_then_fresh_step(second)


@pytest.fixture
def fresh_s3fs_instances():
    """s3fs caches filesystems made without options per process, endpoint included (read
    from the environment here): the next test's endpoint is another one."""
    yield
    s3fs.S3FileSystem.clear_instance_cache()


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_a_step_after_a_cache_hit_reads_its_input_from_an_s3_artifact_store_path(
    bucket, moto_endpoint, monkeypatch, start_method, fresh_s3fs_instances
):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "env-access-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    monkeypatch.setenv("STEPWELL_ARTIFACT_STORE_PATH", f"s3://{bucket}/artifacts")

    second = _run_twice(start_method)

    _assert_cache_hit_then_fresh_step(second)
