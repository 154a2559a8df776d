"""`stepwell server start | status | logs | stop` run real server processes from a home folder
of their own, and `stop` signals only the process that `start` made."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from cli_process import StepwellCommand
from live_server import free_port


@pytest.fixture
def stepwell(tmp_path: Path) -> StepwellCommand:
    return StepwellCommand(tmp_path / "home")


def _started(stepwell: StepwellCommand, port: int) -> str:
    out = stepwell.ok("server", "start", "--port", str(port))
    return out


def test_start_runs_a_detached_server_that_status_describes_and_stop_ends(stepwell):
    port = free_port()
    out = _started(stepwell, port)
    try:
        url = f"http://127.0.0.1:{port}"
        assert f"runs at {url}" in out
        record = json.loads((stepwell.home / "server" / "server.pid").read_text())
        assert httpx.get(f"{url}/health").json()["status"] == "ok"

        status = stepwell.json("server", "status")

        assert status["running"] is True
        assert status["url"] == url
        assert status["pid"] == record["pid"]
        assert status["version"] == httpx.get(f"{url}/health").json()["version"]
    finally:
        stopped = stepwell.ok("server", "stop")
    assert f"Stopped the stepwell server at {url} (pid {record['pid']})" in stopped
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{url}/health", timeout=2)
    assert not (stepwell.home / "server" / "server.pid").exists()
    assert stepwell.json("server", "status")["running"] is False


def test_a_second_stop_says_the_server_is_not_running(stepwell):
    _started(stepwell, free_port())
    stepwell.ok("server", "stop")

    again = stepwell("server", "stop")

    assert again.returncode == 0
    assert "not running" in again.stdout


def test_the_first_start_says_where_the_admin_password_is_and_how_to_log_in(stepwell):
    port = free_port()
    first = _started(stepwell, port)
    stepwell.ok("server", "stop")
    second = _started(stepwell, port)
    stepwell.ok("server", "stop")

    password_file = stepwell.home / "server" / "initial_admin_password"
    assert str(password_file) in first
    login = f"stepwell login http://127.0.0.1:{port} --username admin --password-stdin"
    assert f"{login} < {password_file}" in first
    assert password_file.stat().st_mode & 0o777 == 0o600
    assert "password" not in second  # the admin exists already: nothing new to say


def test_start_refuses_while_the_server_runs(stepwell):
    port = free_port()
    _started(stepwell, port)
    try:
        again = stepwell("server", "start", "--port", str(free_port()))
    finally:
        stepwell.ok("server", "stop")
    assert again.returncode == 1
    assert f"already runs at http://127.0.0.1:{port}" in again.stderr


def test_start_refuses_a_port_that_is_taken(stepwell, tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = stepwell("server", "start", "--port", str(port))
    assert done.returncode == 1
    assert f"Port {port}" in done.stderr and "--port" in done.stderr
    assert not (stepwell.home / "server" / "server.pid").exists()


def test_port_and_store_come_from_the_server_variables(tmp_path):
    port = free_port()
    database = tmp_path / "elsewhere.db"
    stepwell = StepwellCommand(
        tmp_path / "home",
        STEPWELL_SERVER_PORT=str(port),
        STEPWELL_SERVER_STORE_URL=f"sqlite:///{database}",
    )
    stepwell.ok("server", "start")
    try:
        health = httpx.get(f"http://127.0.0.1:{port}/health")
    finally:
        stepwell.ok("server", "stop")
    assert health.status_code == 200
    assert database.is_file()  # the server's store is the one the variable names


def test_logs_show_the_end_of_the_server_log(stepwell):
    port = free_port()
    _started(stepwell, port)
    try:
        logs = stepwell.ok("server", "logs", "-n", "20")
        one = stepwell.ok("server", "logs", "-n", "1")
    finally:
        stepwell.ok("server", "stop")
    assert f"listening on http://127.0.0.1:{port}" in logs
    assert len(one.strip().splitlines()) == 1


def test_logs_follow_ends_when_the_server_stops(stepwell):
    _started(stepwell, free_port())
    follow = subprocess.Popen(
        [sys.executable, "-m", "stepwell.cli", "server", "logs", "-f", "-n", "0"],
        env=stepwell.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        stepwell.ok("server", "stop")
        out, _ = follow.communicate(timeout=30)
    finally:
        follow.kill()
    assert follow.returncode == 0
    assert "listening" not in out  # -n 0: only lines written while following


def test_stop_leaves_alone_a_process_that_is_not_our_server(stepwell):
    stranger = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        folder = stepwell.home / "server"
        folder.mkdir(parents=True)
        stale = {"pid": stranger.pid, "token": "0" * 32, "url": "http://x", "started": 0}
        (folder / "server.pid").write_text(json.dumps(stale))

        done = stepwell("server", "stop")

        assert done.returncode == 1
        assert f"process {stranger.pid}, which is not the stepwell server" in done.stderr
        assert stranger.poll() is None  # still alive
        assert not (folder / "server.pid").exists()
        assert "not running" in stepwell.ok("server", "stop")
    finally:
        stranger.kill()
        stranger.wait()


def test_a_foreground_server_is_found_by_status_and_ends_cleanly_on_stop(stepwell):
    port = free_port()
    foreground = subprocess.Popen(
        [sys.executable, "-m", "stepwell.cli", "server", "start", "--foreground",
         "--port", str(port)],
        env=stepwell.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while httpx_health(port) is None:
            assert foreground.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
        status = stepwell.json("server", "status")

        stopped = stepwell.ok("server", "stop")

        assert foreground.wait(timeout=30) == 0
    finally:
        foreground.kill()
        foreground.wait()
    assert status["running"] is True and status["url"] == f"http://127.0.0.1:{port}"
    assert "Stopped the stepwell server" in stopped
    assert not (stepwell.home / "server" / "server.pid").exists()


def httpx_health(port: int) -> dict | None:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).json()
    except httpx.TransportError:
        return None
