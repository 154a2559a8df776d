"""The CLI in pipes and scripts: a reader that goes away ends the command quietly; a
password nobody can type is one clear error; `server status` in a client home creates
nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from stepwell.client import Client

LONG_STEP = """
from stepwell import pipeline, step

@step
def loud() -> int:
    for i in range(100_000):
        print("line", i)
    return 1

@pipeline
def loud_flow():
    loud()
"""

STEPWELL = [sys.executable, str(Path(sys.executable).parent / "stepwell")]


def test_logs_into_a_closed_pipe_end_quietly_with_the_sigpipe_status(tmp_path):
    (tmp_path / "flow.py").write_text(LONG_STEP)
    made = subprocess.run(
        [*STEPWELL, "-q", "run", "flow.py:loud_flow"], cwd=tmp_path, capture_output=True
    )
    assert made.returncode == 0, made.stderr
    (run,) = Client().list_pipeline_runs()
    logs = subprocess.Popen(
        [*STEPWELL, "pipeline", "runs", "logs", run.name],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert logs.stdout is not None and logs.stderr is not None
    assert logs.stdout.readline() == b"==> loud <==\n"
    logs.stdout.close()  # what `| head -1` does after its line
    errors = logs.stderr.read()
    logs.stderr.close()
    assert logs.wait(timeout=60) == 141
    assert errors == b""


def test_login_without_a_terminal_or_password_stdin_is_one_line(tmp_path):
    done = subprocess.run(
        [*STEPWELL, "login", "http://127.0.0.1:9", "--username", "ada"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert line.startswith("Error: ") and "--password-stdin" in line


def test_server_status_in_a_fresh_home_creates_nothing(tmp_path):
    home = tmp_path / "client-home"
    env = {**os.environ, "STEPWELL_HOME": str(home)}
    done = subprocess.run(
        [*STEPWELL, "server", "status"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert not (home / "server").exists()
