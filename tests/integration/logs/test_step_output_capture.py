"""Step logs keep what the step's process writes to fds 1 and 2, not only Python's `print`:
subprocesses, `os.write` and C's `printf` land in the step's log and still reach the
terminal, on the local orchestrator (forked workers) and the inline one (this process)."""

import ctypes
import os
import stat
import subprocess
import sys
import time

import pytest

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.exceptions import PipelineRunFailedError

BIG_LINES = 50_000  # of 100 bytes each, per writer: 5 MB through each of two writers


@step
def writes_at_fd_level() -> None:
    subprocess.run(["echo", "from a subprocess"], check=True)
    os.write(1, b"os.write to fd 1\n")
    os.write(2, b"os.write to fd 2\n")
    libc = ctypes.CDLL(None)
    libc.printf(b"printf from C, %d\n", 42)
    libc.fflush(None)
    print("print from Python")


@step
def writes_five_megabytes() -> None:
    line = b"z" * 99 + b"\n"
    for _ in range(BIG_LINES):
        os.write(1, line)
    code = f"import sys\nfor _ in range({BIG_LINES}): sys.stdout.write('w' * 99 + '\\n')"
    subprocess.run([sys.executable, "-c", code], check=True)
    os.write(1, b"done writing\n")


@step
def writes_then_fails() -> None:
    subprocess.run(["echo", "subprocess before the failure"], check=True)
    os.write(2, b"fd 2 before the failure\n")
    raise ValueError("the step gives up")


@step
def starts_a_lingering_subprocess(done_file: str) -> None:
    # The subprocess outlives the step and writes after the step has ended. The step waits
    # until "early" is written (the background shell may start late on a busy machine).
    started = f"{done_file}.started"
    command = f"echo early; touch {started}; sleep 0.5; echo late; touch {done_file}"
    subprocess.run(["sh", "-c", f"( {command} ) &"], check=True)
    deadline = time.monotonic() + 30
    while not os.path.exists(started) and time.monotonic() < deadline:
        time.sleep(0.01)


@pipeline(enable_cache=False)
def lingering_pipeline(done_file: str):
    starts_a_lingering_subprocess(done_file=done_file)


@pipeline(enable_cache=False)
def fd_pipeline():
    writes_at_fd_level()


@pipeline(enable_cache=False)
def big_output_pipeline():
    writes_five_megabytes()


@pipeline(enable_cache=False)
def failing_fd_pipeline():
    writes_then_fails()


@pytest.fixture(params=["local", "inline"])
def orchestrator(request, monkeypatch):
    """Each test runs on forked workers and, with STEPWELL_DEBUG, inline in this process."""
    if request.param == "inline":
        monkeypatch.setenv("STEPWELL_DEBUG", "True")
    return request.param


FD_LINES = [
    "from a subprocess",
    "os.write to fd 1",
    "os.write to fd 2",
    "printf from C, 42",
    "print from Python",
]


def test_subprocess_os_write_and_c_output_land_in_the_log_and_the_terminal(orchestrator, capfd):
    targets_before = _fd_targets()
    run = fd_pipeline()
    logs = run.steps["writes_at_fd_level"].logs
    terminal = capfd.readouterr()
    for line in FD_LINES:
        assert line in logs
        assert line in terminal.out + terminal.err
    assert "os.write to fd 2" in terminal.err
    assert "printf from C, 42" in terminal.out
    # This process's fds point where they did before, and its own output is not lost.
    assert _fd_targets() == targets_before
    print("the caller prints after the run")
    assert "the caller prints after the run" in capfd.readouterr().out


def test_log_file_is_private_and_in_the_artifact_store(orchestrator, stepwell_home):
    run = fd_pipeline()
    uri = run.steps["writes_at_fd_level"].logs_uri
    assert os.path.realpath(uri).startswith(os.path.realpath(stepwell_home / "artifacts"))
    assert stat.S_IMODE(os.stat(uri).st_mode) == 0o600


def test_a_step_printing_five_megabytes_finishes_with_all_of_it(orchestrator, capfd):
    run = big_output_pipeline()
    logs = run.steps["writes_five_megabytes"].logs
    terminal = capfd.readouterr().out
    assert logs.count("z" * 99 + "\n") == BIG_LINES
    assert logs.count("w" * 99 + "\n") == BIG_LINES
    # Order within the stream is kept: the last write to fd 1 comes after all the rest.
    assert logs.index("done writing") > logs.rindex("z" * 99) > 0
    assert logs.index("done writing") > logs.rindex("w" * 99)
    assert terminal.count("z" * 99 + "\n") == BIG_LINES
    assert terminal.count("w" * 99 + "\n") == BIG_LINES


def test_log_of_a_failing_step_keeps_its_output_and_traceback(orchestrator):
    with pytest.raises((PipelineRunFailedError, ValueError)):
        failing_fd_pipeline()
    run = Client().list_pipeline_runs(pipeline_name="failing_fd_pipeline")[0]
    logs = Client().get_pipeline_run(run.id).steps["writes_then_fails"].logs
    assert "subprocess before the failure" in logs
    assert "fd 2 before the failure" in logs
    assert "ValueError: the step gives up" in logs


def test_a_subprocess_outliving_an_inline_step_keeps_writing_to_the_terminal(
    monkeypatch, tmp_path, capfd
):
    monkeypatch.setenv("STEPWELL_DEBUG", "True")  # the step's process is this one: it lives on
    done = tmp_path / "done"
    run = lingering_pipeline(done_file=str(done))
    deadline = time.monotonic() + 30
    while not done.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert done.exists()  # the subprocess was not cut off when the step ended
    assert "early" in run.steps["starts_a_lingering_subprocess"].logs
    assert "late" in capfd.readouterr().out


def _fd_targets() -> tuple[tuple[int, int], ...]:
    return tuple((os.fstat(fd).st_dev, os.fstat(fd).st_ino) for fd in (1, 2))
