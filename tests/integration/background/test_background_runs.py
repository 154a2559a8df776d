"""Background runs: the call returns at once; the run goes on in a detached process."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.enums import ExecutionStatus


def wait_for(predicate, timeout=30.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met before the deadline")


@step(enable_cache=False)
def gated(flag_file: str, pid_file: str = "") -> int:
    """Waits (up to 20 s) until the test creates `flag_file`; records its orchestrator's pid."""
    if pid_file:
        Path(pid_file).write_text(str(os.getppid()))
    deadline = time.monotonic() + 20
    while not os.path.exists(flag_file) and time.monotonic() < deadline:
        time.sleep(0.02)
    return 7


@pipeline(settings={"orchestrator": {"synchronous": False}})
def background_pipeline(flag_file: str, pid_file: str = ""):
    gated(flag_file=flag_file, pid_file=pid_file)


def test_call_returns_at_once_and_the_run_finishes_in_the_background(tmp_path):
    flag = tmp_path / "go"
    run = background_pipeline(flag_file=str(flag))
    assert run.status in (ExecutionStatus.INITIALIZING, ExecutionStatus.RUNNING)
    # The step cannot have finished: it waits for a file the test has not written yet.
    assert not run.status.is_finished
    wait_for(lambda: Client().get_pipeline_run(run.id).status is ExecutionStatus.RUNNING)
    flag.write_text("go")
    finished = Client().wait_for_pipeline_run(run.id, timeout=60)
    assert finished.status is ExecutionStatus.COMPLETED
    assert finished.steps["gated"].output.load() == 7
    assert run.wait(timeout=5).status is ExecutionStatus.COMPLETED


def test_synchronous_false_from_yaml_with_a_stack_specific_key(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("settings:\n  orchestrator.default:\n    synchronous: false\n")
    flag = tmp_path / "go"

    @pipeline
    def plain(flag_file: str):
        gated(flag_file=flag_file)

    run = plain.with_options(config_path=str(config))(flag_file=str(flag))
    assert not run.status.is_finished
    flag.write_text("go")
    assert run.wait(timeout=60).status is ExecutionStatus.COMPLETED


SCRIPT = """
    import sys
    from stepwell import pipeline, step

    @step(enable_cache=False)
    def slow_square(x: int) -> int:
        import time
        time.sleep(1)
        return x * x

    @pipeline(settings={"orchestrator": {"synchronous": False}})
    def detached(x: int = 3):
        slow_square(x=x)

    if __name__ == "__main__":
        run = detached()
        print(run.id)
        sys.exit(0)   # the caller is gone long before the step ends
"""


def test_a_background_run_outlives_its_caller_and_logs_to_the_store(tmp_path):
    script = tmp_path / "detach.py"
    script.write_text(textwrap.dedent(SCRIPT))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    run_id = done.stdout.strip().splitlines()[-1]
    finished = Client().wait_for_pipeline_run(run_id, timeout=60)
    assert finished.status is ExecutionStatus.COMPLETED
    assert finished.steps["slow_square"].output.load() == 9


def test_a_killed_background_run_on_another_host_is_dead_after_three_heartbeats(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("STEPWELL_HEARTBEAT_INTERVAL", "0.2")
    flag, pid_file = tmp_path / "go", tmp_path / "pid"
    run = background_pipeline(flag_file=str(flag), pid_file=str(pid_file))
    orchestrator_pid = int(wait_for(lambda: pid_file.exists() and pid_file.read_text()))
    wait_for(lambda: Client().get_pipeline_run(run.id).orchestrator_host)
    # As a reader on another machine sees it: the pid cannot be checked from there.
    Client().store.update_run(run.id, orchestrator_host="another-machine")
    os.kill(orchestrator_pid, signal.SIGKILL)
    try:
        dead = wait_for(
            lambda: (r := Client().get_pipeline_run(run.id)).status.is_finished and r, timeout=20
        )
    finally:
        flag.write_text("go")  # let the orphaned step finish and its worker exit
    assert dead.status is ExecutionStatus.FAILED
    assert "heartbeats" in dead.status_message
    assert dead.steps["gated"].status is ExecutionStatus.FAILED


def test_a_killed_background_run_on_this_host_is_dead_on_the_next_read(tmp_path):
    # The default heartbeat interval (5 s): three missed beats would take 15 s.
    flag, pid_file = tmp_path / "go", tmp_path / "pid"
    run = background_pipeline(flag_file=str(flag), pid_file=str(pid_file))
    orchestrator_pid = int(wait_for(lambda: pid_file.exists() and pid_file.read_text()))
    wait_for(lambda: Client().get_pipeline_run(run.id).orchestrator_start_token)
    os.kill(orchestrator_pid, signal.SIGKILL)
    wait_for(lambda: not Path(f"/proc/{orchestrator_pid}").exists(), timeout=10)
    try:
        dead = Client().get_pipeline_run(run.id)
    finally:
        flag.write_text("go")
    assert dead.status is ExecutionStatus.FAILED
    assert f"({orchestrator_pid} on this host) has ended" in dead.status_message
    assert dead.steps["gated"].status is ExecutionStatus.FAILED


def test_a_live_run_on_this_host_is_left_alone(tmp_path):
    flag, pid_file = tmp_path / "go", tmp_path / "pid"
    run = background_pipeline(flag_file=str(flag), pid_file=str(pid_file))
    wait_for(lambda: pid_file.exists() and pid_file.read_text())
    wait_for(lambda: Client().get_pipeline_run(run.id).orchestrator_start_token)
    try:
        assert Client().get_pipeline_run(run.id).status is ExecutionStatus.RUNNING
    finally:
        flag.write_text("go")
    assert Client().wait_for_pipeline_run(run.id, timeout=60).status is ExecutionStatus.COMPLETED


def test_sigterm_stops_a_background_run_cleanly(tmp_path):
    flag, pid_file = tmp_path / "go", tmp_path / "pid"
    run = background_pipeline(flag_file=str(flag), pid_file=str(pid_file))
    orchestrator_pid = int(wait_for(lambda: pid_file.exists() and pid_file.read_text()))
    os.kill(orchestrator_pid, signal.SIGTERM)
    try:
        stopped = Client().wait_for_pipeline_run(run.id, timeout=30)
    finally:
        flag.write_text("go")
    assert stopped.status is ExecutionStatus.STOPPED
    assert stopped.steps["gated"].status is ExecutionStatus.STOPPED


def test_synchronous_must_be_a_boolean():
    from stepwell.exceptions import ConfigurationError

    with pytest.raises(ConfigurationError, match="synchronous"):
        background_pipeline.with_options(settings={"orchestrator": {"synchronous": "nope"}})(
            flag_file="x"
        )
    assert Client().list_pipeline_runs() == []


def test_the_client_stops_a_background_run(tmp_path):
    flag, pid_file = tmp_path / "go", tmp_path / "pid"
    run = background_pipeline(flag_file=str(flag), pid_file=str(pid_file))
    wait_for(lambda: pid_file.exists())
    wait_for(lambda: Client().get_pipeline_run(run.id).orchestrator_pid)
    try:
        Client().stop_pipeline_run(run.id)
        stopped = Client().wait_for_pipeline_run(run.id, timeout=30)
    finally:
        flag.write_text("go")
    assert stopped.status is ExecutionStatus.STOPPED
    assert stopped.steps["gated"].status is ExecutionStatus.STOPPED
    with pytest.raises(Exception, match="already ended"):
        Client().stop_pipeline_run(run.id)
