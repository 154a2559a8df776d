"""Stopping a run signals its orchestrating process only when that process is certainly the
run's (this host, the recorded start token); otherwise the stop is requested through the
store, and the run reads the request with its heartbeat and ends `stopped`."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.config.pipeline_config import PipelineConfig
from stepwell.enums import ExecutionStatus
from stepwell.store.active import get_store
from stepwell.utils.processes import host_name, start_token, this_process

OTHER_HOST = "build-agent-7.elsewhere.example"


def wait_for(predicate, timeout=30.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met before the deadline")


@pytest.fixture
def bystander():
    """An unrelated process (in a process group of its own) that must survive every test."""
    process = subprocess.Popen(["sleep", "120"], start_new_session=True)
    yield process
    process.kill()
    process.wait()


@pytest.fixture
def kills(monkeypatch):
    """Every signal sent from this process, by any route, while the test runs."""
    sent: list[tuple[str, object]] = []
    real_kill = os.kill

    def kill(pid, signum):
        sent.append(("kill", pid))
        real_kill(pid, signum)

    monkeypatch.setattr(os, "kill", kill)
    if hasattr(signal, "pidfd_send_signal"):
        real_send = signal.pidfd_send_signal

        def send(descriptor, signum, *args):
            sent.append(("pidfd", descriptor))
            real_send(descriptor, signum, *args)

        monkeypatch.setattr(signal, "pidfd_send_signal", send)
    return sent


def running_record(**orchestrator):
    """A run recorded as running, with the given orchestrator fields."""
    store = get_store()
    owner = store.get_or_create_pipeline("recorded")
    return store.create_run(
        name=f"recorded-{time.monotonic_ns()}",
        pipeline_id=owner.id,
        pipeline_name="recorded",
        snapshot_id=None,
        config=PipelineConfig(name="recorded"),
        status=ExecutionStatus.RUNNING,
        start_time=datetime.now(timezone.utc),
        **orchestrator,
    )


def assert_alive(process):
    assert process.poll() is None
    os.kill(process.pid, 0)  # raises if it is gone


@step(enable_cache=False)
def gated(flag_file: str, started_file: str) -> int:
    """Says it has started, then waits (up to 20 s) until the test creates `flag_file`."""
    Path(started_file).write_text("started")
    deadline = time.monotonic() + 20
    while not os.path.exists(flag_file) and time.monotonic() < deadline:
        time.sleep(0.02)
    return 7


@pipeline(settings={"orchestrator": {"synchronous": False}})
def background_pipeline(flag_file: str, started_file: str):
    gated(flag_file=flag_file, started_file=started_file)


def test_a_run_recorded_on_another_host_is_stopped_through_the_store(
    tmp_path, monkeypatch, bystander
):
    monkeypatch.setenv("STEPWELL_HEARTBEAT_INTERVAL", "0.2")
    flag, started = tmp_path / "go", tmp_path / "started"
    run = background_pipeline(flag_file=str(flag), started_file=str(started))
    wait_for(started.exists)
    wait_for(lambda: Client().get_pipeline_run(run.id).orchestrator_pid)
    # Another machine's record whose pid (and even start token) is a local process's.
    get_store().update_run(
        run.id,
        orchestrator_pid=bystander.pid,
        orchestrator_host=OTHER_HOST,
        orchestrator_start_token=start_token(bystander.pid),
    )
    try:
        requested = Client().stop_pipeline_run(run.id)
        stopped = Client().wait_for_pipeline_run(run.id, timeout=30)
    finally:
        flag.write_text("go")
    assert requested.stop_requested_at is not None
    assert stopped.status is ExecutionStatus.STOPPED
    assert stopped.steps["gated"].status is ExecutionStatus.STOPPED
    assert_alive(bystander)


INLINE_SCRIPT = """
    import os
    import sys
    import time
    from pathlib import Path

    from stepwell import pipeline, step

    @step(enable_cache=False)
    def waits(started_file: str) -> int:
        Path(started_file).write_text(str(os.getpid()))
        time.sleep(60)
        return 1

    @pipeline
    def in_process(started_file: str):
        waits(started_file=started_file)

    if __name__ == "__main__":
        try:
            in_process(started_file=sys.argv[1])
        except KeyboardInterrupt:
            sys.exit(3)
"""


def test_a_stop_request_interrupts_a_step_running_in_the_orchestrating_process(tmp_path):
    script, started = tmp_path / "inline.py", tmp_path / "started"
    script.write_text(textwrap.dedent(INLINE_SCRIPT))
    env = {**os.environ, "STEPWELL_DEBUG": "True", "STEPWELL_HEARTBEAT_INTERVAL": "0.2"}
    process = subprocess.Popen([sys.executable, str(script), str(started)], env=env)
    try:
        wait_for(started.exists)
        run = Client().list_pipeline_runs()[0]
        get_store().update_run(run.id, orchestrator_host=OTHER_HOST)
        Client().stop_pipeline_run(run.id)
        assert process.wait(timeout=30) == 3
    finally:
        process.kill()
        process.wait()
    stopped = Client().get_pipeline_run(run.id)
    assert stopped.status is ExecutionStatus.STOPPED
    assert stopped.steps["waits"].status is ExecutionStatus.STOPPED


@pytest.mark.parametrize("pid", [-1, 0, 1, "-bystander"])
def test_a_pid_that_cannot_be_a_run_s_is_never_signalled(pid, bystander, kills):
    planted = -bystander.pid if pid == "-bystander" else pid
    run = running_record(
        orchestrator_pid=planted,
        orchestrator_host=host_name(),
        orchestrator_start_token=this_process().start_token,
    )
    requested = Client().stop_pipeline_run(run.id)
    assert kills == []
    assert requested.stop_requested_at is not None
    assert_alive(bystander)


@pytest.mark.parametrize("token", ["wrong", None])
def test_a_reused_pid_on_this_host_is_never_signalled(token, bystander, kills):
    # The pid's start token is not the recorded one (or none is recorded): another process.
    run = running_record(
        orchestrator_pid=bystander.pid,
        orchestrator_host=host_name(),
        orchestrator_start_token=this_process().start_token if token else None,
    )
    if token is None:  # nothing to check the pid against: ask through the store
        requested = Client().stop_pipeline_run(run.id)
        assert requested.stop_requested_at is not None
    else:  # the recorded process has certainly ended: the run is failed, nothing signalled
        from stepwell.exceptions import StepwellError

        with pytest.raises(StepwellError, match="already ended"):
            Client().stop_pipeline_run(run.id)
        assert Client().get_pipeline_run(run.id).status is ExecutionStatus.FAILED
    assert kills == []
    time.sleep(0.2)  # a signal, had one been sent, would have ended `sleep` by now
    assert_alive(bystander)


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="needs /proc")
def test_the_recorded_process_itself_is_signalled(bystander):
    run = running_record(
        orchestrator_pid=bystander.pid,
        orchestrator_host=host_name(),
        orchestrator_start_token=start_token(bystander.pid),
    )
    answered = Client().stop_pipeline_run(run.id)
    # The request is recorded too, for a process that ignores the signal.
    assert answered.stop_requested_at is not None
    assert bystander.wait(timeout=10) == -signal.SIGINT


DEAF_SCRIPT = """
    import signal
    import sys
    import time
    from pathlib import Path

    from stepwell import pipeline, step

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # as `nohup ... &` from a script does

    @step(enable_cache=False)
    def waits(started_file: str) -> int:
        Path(started_file).write_text("started")
        time.sleep(2)
        return 1

    @step(enable_cache=False)
    def after(value: int) -> int:
        return value

    @pipeline
    def deaf(started_file: str):
        after(waits(started_file=started_file))

    if __name__ == "__main__":
        try:
            deaf(started_file=sys.argv[1])
        except KeyboardInterrupt:
            sys.exit(3)
"""


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="needs /proc")
def test_a_run_whose_process_ignores_sigint_stops_at_its_heartbeat(tmp_path):
    script, started = tmp_path / "deaf.py", tmp_path / "started"
    script.write_text(textwrap.dedent(DEAF_SCRIPT))
    env = {**os.environ, "STEPWELL_DEBUG": "True", "STEPWELL_HEARTBEAT_INTERVAL": "0.2"}
    process = subprocess.Popen([sys.executable, str(script), str(started)], env=env)
    try:
        wait_for(started.exists)
        run = Client().list_pipeline_runs()[0]
        Client().stop_pipeline_run(run.id)  # signals it (ignored) and records the request
        assert process.wait(timeout=30) == 3
    finally:
        process.kill()
        process.wait()
    stopped = Client().get_pipeline_run(run.id)
    assert stopped.status is ExecutionStatus.STOPPED
    assert "after" not in stopped.steps or stopped.steps["after"].status is not (
        ExecutionStatus.COMPLETED
    )


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="needs /proc")
def test_a_signalled_process_that_ignores_sigint_still_has_the_stop_request():
    from typer.testing import CliRunner

    from stepwell.cli.app import app

    # As a run started with `nohup ... &` from a script: SIGINT is ignored.
    deaf = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import signal, time; signal.signal(signal.SIGINT, "
            "signal.SIG_IGN); print('ready', flush=True); time.sleep(120)",
        ],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert deaf.stdout.readline().strip() == "ready"
        run = running_record(
            orchestrator_pid=deaf.pid,
            orchestrator_host=host_name(),
            orchestrator_start_token=start_token(deaf.pid),
        )
        result = CliRunner().invoke(app, ["pipeline", "runs", "stop", run.name])
        assert result.exit_code == 0, result.output
        assert "Signalled run" in result.stdout
        assert "recorded a stop request" in result.stdout
        assert Client().get_pipeline_run(run.id).stop_requested_at is not None
        assert deaf.poll() is None  # the signal was ignored; the heartbeat carries the stop
    finally:
        deaf.kill()
        deaf.wait()
        deaf.stdout.close()


def test_the_cli_says_when_the_stop_went_through_the_store(bystander):
    from typer.testing import CliRunner

    from stepwell.cli.app import app

    run = running_record(orchestrator_pid=bystander.pid, orchestrator_host=OTHER_HOST)
    result = CliRunner().invoke(app, ["pipeline", "runs", "stop", run.name])
    assert result.exit_code == 0, result.output
    assert "Recorded a stop request" in result.stdout
    assert Client().get_pipeline_run(run.id).stop_requested_at is not None
    assert_alive(bystander)
