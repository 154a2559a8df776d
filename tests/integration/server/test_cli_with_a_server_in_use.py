"""In a home folder that uses a server (STEPWELL_SERVER_URL, or a saved `stepwell login`):
`server status` reports that server next to the local process facts, `server stop | logs`
say they manage only a server started here, `status` reports an unreachable server instead
of failing, and the unreachable error advises `stepwell logout` only for a saved login."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from cli_process import StepwellCommand
from live_server import RunningServer, free_port


@pytest.fixture
def member_home(server: RunningServer, tmp_path: Path) -> StepwellCommand:
    """A home folder whose variables choose `server`, as its member service account."""
    return StepwellCommand(tmp_path / "home", **server.client_env("member"))


@pytest.fixture
def dead_url() -> str:
    return f"http://127.0.0.1:{free_port()}"  # nothing listens there


@pytest.fixture
def saved_login_home(tmp_path: Path, server: RunningServer) -> StepwellCommand:
    """A home folder logged in to `server` with `stepwell login` (an API key)."""
    home = StepwellCommand(tmp_path / "saved-home")
    home.ok("login", server.url, "--api-key", server.accounts["member"].api_key)
    return home


def _point_saved_login_to(home: StepwellCommand, url: str) -> None:
    """Make the saved login name `url` (as if its server moved away)."""
    import yaml

    config = home.home / "config.yaml"
    saved = yaml.safe_load(config.read_text())
    saved["server"]["url"] = url
    config.write_text(yaml.safe_dump(saved))


# -- server status ---------------------------------------------------------------------------------
def test_server_status_reports_the_server_in_use_and_who_we_log_in_as(member_home, server):
    status = member_home.json("server", "status")

    assert status["running"] is False  # no server was started from this home folder
    assert status["in_use"] == {
        "url": server.url,
        "source": "STEPWELL_SERVER_URL",
        "reachable": True,
        "version": httpx.get(f"{server.url}/health").json()["version"],
        "logged_in_as": "member-bot (member)",
        "problem": None,
    }


def test_server_status_table_tells_the_server_in_use_from_the_local_one(member_home, server):
    table = member_home.ok("server", "status")

    assert "Server in use" in table and server.url in table
    assert "Server started from this home folder" in table
    assert "member-bot (member)" in table


def test_server_status_marks_a_saved_server_that_does_not_answer(saved_login_home, dead_url):
    _point_saved_login_to(saved_login_home, dead_url)

    status = saved_login_home.json("server", "status")

    in_use = status["in_use"]
    assert (in_use["url"], in_use["source"], in_use["reachable"]) == (
        dead_url,
        "saved login",
        False,
    )
    assert "Connection refused" in in_use["problem"]
    assert in_use["version"] is None and in_use["logged_in_as"] is None


def test_server_status_of_a_local_home_has_no_server_in_use(tmp_path):
    status = StepwellCommand(tmp_path / "home").json("server", "status")

    assert status["in_use"] is None and status["running"] is False


# -- server stop / logs ------------------------------------------------------------------------------
def test_server_stop_says_it_manages_only_this_home_and_leaves_the_server_in_use(
    member_home, server
):
    done = member_home("server", "stop")

    assert done.returncode == 0
    assert "manages only a server started from this home folder" in done.stderr
    assert server.url in done.stderr
    assert httpx.get(f"{server.url}/health").status_code == 200  # still running


def test_server_logs_names_the_server_in_use(member_home, server):
    done = member_home("server", "logs")

    assert done.returncode == 0
    assert "`stepwell server logs` manages only a server started from this home" in done.stderr
    assert server.url in done.stderr


# -- stepwell status ------------------------------------------------------------------------------
def test_status_with_an_unreachable_server_reports_it_and_exits_0(tmp_path, dead_url):
    home = StepwellCommand(tmp_path / "home", STEPWELL_SERVER_URL=dead_url)

    done = home("status", "--output", "json")

    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["server"], report["store_url"], report["reachable"]) == (
        dead_url,
        dead_url,
        False,
    )
    assert "Connection refused" in report["problem"]
    assert report["runs"] is None  # unknown, not zero
    assert "Cannot reach the stepwell server" in done.stderr
    assert "Error" not in done.stderr


def test_status_table_with_an_unreachable_server_shows_why(tmp_path, dead_url):
    done = StepwellCommand(tmp_path / "home", STEPWELL_SERVER_URL=dead_url)("status")

    assert done.returncode == 0
    assert "reachable" in done.stdout and "Connection refused" in done.stdout


# -- the unreachable error's advice ---------------------------------------------------------------
def test_an_unreachable_saved_login_suggests_logout(saved_login_home, dead_url):
    _point_saved_login_to(saved_login_home, dead_url)

    done = saved_login_home("pipeline", "list")

    assert done.returncode == 1
    assert done.stderr.count("\n") == 1
    assert f"Cannot reach the stepwell server at {dead_url}" in done.stderr
    assert "Is the server running (on its host: `stepwell server status`)?" in done.stderr
    assert "`stepwell logout` goes back to the local store" in done.stderr


def test_an_unreachable_server_from_a_variable_says_to_unset_it_not_to_log_out(tmp_path, dead_url):
    done = StepwellCommand(tmp_path / "home", STEPWELL_SERVER_URL=dead_url)("pipeline", "list")

    assert done.returncode == 1
    assert "unset STEPWELL_SERVER_URL to use the local store" in done.stderr
    assert "logout" not in done.stderr
