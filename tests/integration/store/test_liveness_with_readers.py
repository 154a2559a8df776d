"""A reader with a short STEPWELL_HEARTBEAT_INTERVAL cannot fail someone else's healthy run.

Real processes on a shared store (both backends): a background run whose step takes a while,
and readers (a Python loop and the CLI) whose own heartbeat setting is 0.1 s, reading the run
all along. The run is judged by the interval it recorded (the default 5 s), so it completes
and its output loads.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import textwrap
import time

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.enums import ExecutionStatus

READER = """
    import sys
    from pathlib import Path
    from stepwell.client import Client

    run_id, progress = sys.argv[1], Path(sys.argv[2])
    running_reads = 0
    while True:
        client = Client()
        client.list_pipeline_runs()
        run = client.get_pipeline_run(run_id)
        if run.status.is_finished:
            break
        running_reads += 1
        progress.write_text(str(running_reads))
    print(run.status.value)
"""


@step(enable_cache=False)
def slow_square(x: int, flag_file: str) -> int:
    """Takes as long as the test wants (it creates `flag_file`), at most 60 s."""
    deadline = time.monotonic() + 60
    while not os.path.exists(flag_file) and time.monotonic() < deadline:
        time.sleep(0.02)
    return x * x


@pipeline(settings={"orchestrator": {"synchronous": False}})
def watched(flag_file: str):
    slow_square(x=7, flag_file=flag_file)


def wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not met before the deadline")


def test_readers_with_a_short_interval_leave_a_healthy_run_alone(store_url, tmp_path, monkeypatch):
    monkeypatch.setenv("STEPWELL_STORE_URL", store_url)
    monkeypatch.delenv("STEPWELL_HEARTBEAT_INTERVAL", raising=False)  # the run beats every 5 s
    importlib.import_module("stepwell.store.active").reset_store()
    flag, progress, script = tmp_path / "go", tmp_path / "reads", tmp_path / "reader.py"
    script.write_text(textwrap.dedent(READER))
    reader_env = {**os.environ, "STEPWELL_HEARTBEAT_INTERVAL": "0.1"}

    run = watched(flag_file=str(flag))
    wait_for(lambda: Client().get_pipeline_run(run.id).status is ExecutionStatus.RUNNING)
    reader = subprocess.Popen(
        [sys.executable, str(script), str(run.id), str(progress)],
        env=reader_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        listed = subprocess.run(
            [sys.executable, "-m", "stepwell", "pipeline", "runs", "list"],
            env=reader_env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert listed.returncode == 0, listed.stderr
        # Many reads of the running run, over far more than three of the readers' intervals.
        wait_for(lambda: progress.exists() and int(progress.read_text() or 0) >= 20)
        assert Client().get_pipeline_run(run.id).status is ExecutionStatus.RUNNING
    finally:
        flag.write_text("go")
        out, err = reader.communicate(timeout=60)

    finished = Client().wait_for_pipeline_run(run.id, timeout=60)
    assert finished.status is ExecutionStatus.COMPLETED, finished.status_message
    assert finished.steps["slow_square"].output.load() == 49
    assert reader.returncode == 0, err
    assert out.strip() == "completed"
    assert run.name in listed.stdout
