"""`stepwell user | service-account | api-key ...` against a real server: an admin manages
accounts (a new key is printed once and then works), a member is refused with a clear error."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

import httpx
import pytest
from live_server import PASSWORD, RunningServer
from typer.testing import CliRunner, Result

from stepwell.cli.app import app


def _as(server: RunningServer, role: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make this test's stepwell log in to `server` as the user of `role`."""
    import importlib

    monkeypatch.setenv("STEPWELL_SERVER_URL", server.url)
    monkeypatch.setenv("STEPWELL_SERVER_USERNAME", server.accounts[role].name)
    monkeypatch.setenv("STEPWELL_SERVER_PASSWORD", PASSWORD)
    importlib.import_module("stepwell.store.active").reset_store()


@pytest.fixture
def cli() -> Callable[..., Result]:
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def as_admin(server, monkeypatch) -> RunningServer:
    _as(server, "admin", monkeypatch)
    return server


@pytest.fixture
def as_member(server, monkeypatch) -> RunningServer:
    _as(server, "member", monkeypatch)
    return server


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _json(result: Result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_admin_creates_lists_updates_and_deletes_a_user(as_admin, cli):
    name = _name("eve")
    created = _json(cli("user", "create", name, "--role", "viewer", "--password-stdin",
                        "-o", "json", input="eve's password\n"))  # fmt: skip
    listed = _json(cli("user", "list", "--role", "viewer", "-o", "json", "-n", "1000"))
    updated = _json(cli("user", "update", name, "--role", "member", "--inactive", "-o", "json"))
    deleted = cli("user", "delete", name, "--yes")

    assert created["role"] == "viewer" and created["is_service_account"] is False
    assert name in [row["name"] for row in listed]
    assert all(row["is_service_account"] is False for row in listed)
    assert (updated["role"], updated["active"]) == ("member", False)
    assert deleted.exit_code == 0, deleted.output
    assert "No user or service account" in cli("user", "describe", name).output


def _own_terminal() -> None:
    """In the child: a new session whose controlling terminal is the pty on stdin, so
    that a password prompt can turn echo off on it."""
    import fcntl
    import os
    import termios

    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _in_a_terminal(args: list[str], answers: list[str], timeout: float = 60.0) -> tuple[int, str]:
    """Run `python -m stepwell ARGS` on a real pseudo-terminal, typing each answer after
    the next prompt appears; return the exit code and everything the terminal showed."""
    import os
    import pty
    import select
    import subprocess
    import sys
    import time

    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "stepwell", *args],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        close_fds=True,
        preexec_fn=_own_terminal,
    )
    os.close(terminal)
    shown, pending, deadline = b"", list(answers), time.monotonic() + timeout
    prompts_seen = 0
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal closed: the command ended
                break
            if not chunk:
                break
            shown += chunk
        # Answer once the prompt's trailing space is shown: the password prompt writes
        # it after turning echo off.
        if pending and shown.count(b":") > prompts_seen and shown.endswith(b": "):
            prompts_seen = shown.count(b":")
            os.write(controller, pending.pop(0).encode() + b"\n")
        if process.poll() is not None and not ready:
            break
    process.kill() if process.poll() is None else None
    process.wait(timeout=timeout)
    os.close(controller)
    return process.returncode, shown.decode(errors="replace")


def test_user_create_asks_for_the_password_twice_without_echo(as_admin):
    name = _name("fay")
    code, shown = _in_a_terminal(["user", "create", name], ["fay's password"] * 2, timeout=20)

    assert code == 0, shown
    assert "Password: " in shown and "Repeat for confirmation: " in shown
    assert "fay's password" not in shown
    login = httpx.post(
        f"{as_admin.url}/api/v1/login", json={"username": name, "password": "fay's password"}
    )
    assert login.status_code == 200


def test_user_create_without_a_terminal_asks_for_password_stdin(as_admin, cli):
    result = cli("user", "create", _name("gus"), input="typed but not a terminal\n")

    assert result.exit_code == 1
    assert "--password-stdin" in result.output


def test_a_new_api_key_is_shown_once_and_logs_in(as_admin, cli):
    account = _name("ci")
    assert cli("service-account", "create", account).exit_code == 0

    created = cli("api-key", "create", account, "deploy")
    listed = cli("api-key", "list", account, "-o", "json")

    assert created.exit_code == 0, created.output
    key = next(line for line in created.stdout.splitlines() if line.startswith("swk_"))
    assert "cannot be shown again" in created.output
    assert key not in listed.stdout
    assert [row["name"] for row in json.loads(listed.stdout)] == ["deploy"]
    login = httpx.post(f"{as_admin.url}/api/v1/login", json={"api_key": key})
    assert login.status_code == 200


def test_a_revoked_api_key_no_longer_logs_in(as_admin, cli):
    account = _name("ci")
    cli("service-account", "create", account, "--role", "viewer")
    key = _json(cli("api-key", "create", account, "old", "-o", "json"))["key"]

    revoked = _json(cli("api-key", "revoke", account, "old", "-o", "json"))

    assert revoked["active"] is False and "key" not in revoked
    login = httpx.post(f"{as_admin.url}/api/v1/login", json={"api_key": key})
    assert login.status_code == 401


def test_service_accounts_are_listed_apart_from_users_and_deleted_with_their_keys(as_admin, cli):
    account = _name("bot")
    cli("service-account", "create", account)
    key = _json(cli("api-key", "create", account, "k", "-o", "json"))["key"]

    listed = _json(cli("service-account", "list", "-o", "json", "-n", "1000"))
    users = _json(cli("user", "list", "-o", "json", "-n", "1000"))
    deleted = cli("service-account", "delete", account, "--yes")

    assert account in [row["name"] for row in listed]
    assert account not in [row["name"] for row in users]
    assert deleted.exit_code == 0, deleted.output
    assert httpx.post(f"{as_admin.url}/api/v1/login", json={"api_key": key}).status_code == 401


def test_an_api_key_for_a_user_is_refused_with_the_reason(as_admin, cli):
    result = cli("api-key", "create", "admin", "k")

    assert result.exit_code == 1
    assert "'admin' is a user, not a service account" in result.output


@pytest.mark.parametrize(
    "command",
    [
        ("user", "list"),
        ("user", "create", "mallory", "--password", "long enough password"),
        ("user", "delete", "admin", "--yes"),
        ("service-account", "create", "mallory-bot"),
        ("service-account", "list"),
        ("api-key", "create", "member-bot", "stolen"),
        ("api-key", "list", "member-bot"),
    ],
    ids=" ".join,
)
def test_a_member_is_refused_account_commands(as_member, cli, command):
    result = cli(*command)

    assert result.exit_code == 1
    assert "This needs the 'admin' role; 'member-user' is a member." in result.output
