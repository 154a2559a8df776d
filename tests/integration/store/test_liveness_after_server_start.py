"""A server that restarts must not fail healthy runs: their orchestrators could not send
heartbeats while it was down, so no run's silence counts from before it started."""

from __future__ import annotations

import time

from stepwell.config.pipeline_config import PipelineConfig
from stepwell.enums import ExecutionStatus


def _silent_run(store):
    pipeline = store.get_or_create_pipeline("beats")
    run = store.create_run(
        name=f"beats-{time.monotonic_ns()}",
        pipeline_id=pipeline.id,
        pipeline_name="beats",
        snapshot_id=None,
        config=PipelineConfig(name="beats"),
        status=ExecutionStatus.RUNNING,
        heartbeat_interval=0.05,
    )
    store.record_heartbeat(run.id)
    time.sleep(0.3)  # six missed heartbeats of its own interval
    return run


def test_a_run_silent_for_too_long_is_failed(store):
    run = _silent_run(store)
    assert store.fail_dead_run(run.id, "silent").status is ExecutionStatus.FAILED


def test_silence_from_before_the_server_started_does_not_count(store):
    run = _silent_run(store)
    store.count_silence_from(store.database_time())  # what a starting server does
    assert store.fail_dead_run(run.id, "silent").status is ExecutionStatus.RUNNING
