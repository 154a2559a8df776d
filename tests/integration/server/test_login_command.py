"""`stepwell login` / `logout` against a server that `stepwell server start` started: the
saved login (mode 0600, never a password) makes every command use the server, and logout
goes back to the local store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from cli_process import SAMPLE_PIPELINES, StepwellCommand
from live_server import free_port

ADMIN_PASSWORD = "an admin password for tests"


@pytest.fixture(scope="module")
def admin_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StepwellCommand]:
    """A home folder whose server (`stepwell server start`) runs for this module."""
    stepwell = StepwellCommand(
        tmp_path_factory.mktemp("login") / "home", STEPWELL_SERVER_ADMIN_PASSWORD=ADMIN_PASSWORD
    )
    stepwell.ok("server", "start", "--port", str(free_port()))
    yield stepwell
    stepwell.ok("server", "stop")


@pytest.fixture(scope="module")
def url(admin_home: StepwellCommand) -> str:
    return str(admin_home.json("server", "status")["url"])


@pytest.fixture(scope="module")
def ci_key(admin_home: StepwellCommand, url: str) -> str:
    """An API key of the member service account 'ci', made with the CLI as admin."""
    admin = StepwellCommand(
        admin_home.home.parent / "admin-client",
        STEPWELL_SERVER_URL=url,
        STEPWELL_SERVER_USERNAME="admin",
        STEPWELL_SERVER_PASSWORD=ADMIN_PASSWORD,
    )
    admin.ok("service-account", "create", "ci")
    return str(admin.json("api-key", "create", "ci", "laptop")["key"])


@pytest.fixture
def user(tmp_path: Path) -> StepwellCommand:
    """Another person's home folder on the same machine, not logged in yet."""
    return StepwellCommand(tmp_path / "user-home")


def _saved(stepwell: StepwellCommand) -> dict:
    return yaml.safe_load((stepwell.home / "config.yaml").read_text())["server"]


def test_login_with_an_api_key_makes_commands_use_the_server(user, url, ci_key):
    out = user.ok("login", url, "--api-key", ci_key)
    user.ok("run", f"{SAMPLE_PIPELINES}:arithmetic")

    runs = user.json("pipeline", "runs", "list")

    assert f"Logged in to {url} as 'ci' (member)" in out
    assert [run["pipeline"] for run in runs] == ["arithmetic"]
    assert runs[0]["status"] == "completed"
    assert not (user.home / "stepwell.db").exists()  # nothing was recorded locally
    assert user.json("status")["server"] == url


def test_the_saved_login_is_private_and_holds_the_key(user, url, ci_key):
    user.ok("login", url, "--api-key", ci_key)

    config = user.home / "config.yaml"

    assert config.stat().st_mode & 0o777 == 0o600
    assert _saved(user) == {"url": url, "api_key": ci_key}


def test_login_with_a_password_saves_a_session_token_not_the_password(user, url):
    out = user.ok("login", url, "--username", "admin", "--password-stdin", input=ADMIN_PASSWORD)

    saved = _saved(user)
    assert "as 'admin' (admin)" in out
    assert set(saved) == {"url", "username", "session_token"}
    assert ADMIN_PASSWORD not in (user.home / "config.yaml").read_text()
    assert user.json("user", "describe", "admin")["role"] == "admin"  # works through it


def test_a_session_token_is_not_an_access_token(user, url):
    user.ok("login", url, "--username", "admin", "--password-stdin", input=ADMIN_PASSWORD)
    token = _saved(user)["session_token"]

    direct = httpx.get(f"{url}/api/v1/runs", headers={"authorization": f"Bearer {token}"})
    exchanged = httpx.post(f"{url}/api/v1/login", json={"session_token": token})

    assert direct.status_code == 401
    assert exchanged.status_code == 200
    assert "access_token" in exchanged.json()


def test_a_session_ends_when_its_user_is_deactivated(admin_home, user, url):
    admin = StepwellCommand(
        admin_home.home.parent / "admin-client",
        STEPWELL_SERVER_URL=url,
        STEPWELL_SERVER_USERNAME="admin",
        STEPWELL_SERVER_PASSWORD=ADMIN_PASSWORD,
    )
    admin.ok("user", "create", "dora", "--password", "dora's password")
    user.ok("login", url, "-u", "dora", "--password-stdin", input="dora's password\n")
    assert user.json("pipeline", "runs", "list") is not None

    admin.ok("user", "update", "dora", "--inactive")
    refused = user("pipeline", "runs", "list")

    assert refused.returncode == 1
    assert "Wrong or inactive credentials: the saved login has ended" in refused.stderr
    assert "stepwell login URL" in refused.stderr


def test_wrong_credentials_save_nothing(user, url):
    by_key = user("login", url, "--api-key", "swk_not-a-key")
    by_password = user("login", url, "-u", "admin", "--password-stdin", input="wrong password")

    assert by_key.returncode == by_password.returncode == 1
    assert "Wrong or inactive credentials: the API key is unknown" in by_key.stderr
    assert "Wrong or inactive credentials: check the user name" in by_password.stderr
    assert not (user.home / "config.yaml").exists()


def test_login_to_no_server_says_it_cannot_reach_it(user):
    done = user("login", f"http://127.0.0.1:{free_port()}", "--api-key", "swk_x")

    assert done.returncode == 1
    assert "Cannot reach the stepwell server" in done.stderr
    assert not (user.home / "config.yaml").exists()


def test_logout_goes_back_to_the_local_store(user, url, ci_key):
    user.ok("login", url, "--api-key", ci_key)

    out = user.ok("logout")

    assert f"Logged out of {url}" in out
    assert "Using the local store" in out
    assert "server" not in yaml.safe_load((user.home / "config.yaml").read_text())
    assert user.json("status")["server"] == "none (the local store)"
    assert user.json("pipeline", "runs", "list") == []
    assert "Not logged in" in user.ok("logout")
