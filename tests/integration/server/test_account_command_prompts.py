"""`stepwell user create` checks that the name is free before asking for a password, and the
account commands' help shows placeholders that mean something (NAME, ROLE, PASSWORD)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from cli_process import StepwellCommand
from live_server import PASSWORD, RunningServer


@pytest.fixture
def admin(server: RunningServer, tmp_path: Path) -> StepwellCommand:
    """A home folder that uses `server` as its admin user."""
    return StepwellCommand(
        tmp_path / "home",
        STEPWELL_SERVER_URL=server.url,
        STEPWELL_SERVER_USERNAME="admin",
        STEPWELL_SERVER_PASSWORD=PASSWORD,
    )


def _on_a_terminal(home: StepwellCommand, answer: str, *args: str) -> subprocess.CompletedProcess:
    """`stepwell` with a pseudo-terminal as stdin, `answer` typed into it (in a session of
    its own: a password prompt must not reach the terminal running the tests)."""
    leader, follower = pty.openpty()
    try:
        os.write(leader, answer.encode())
        return subprocess.run(
            [sys.executable, "-m", "stepwell.cli", *args],
            env=home.env(),
            stdin=follower,
            capture_output=True,
            text=True,
            timeout=60,
            start_new_session=True,
        )
    finally:
        os.close(follower)
        os.close(leader)


@pytest.mark.parametrize("taken", ["admin", "member-bot"], ids=["a user", "a service account"])
def test_user_create_of_a_taken_name_fails_before_asking_for_a_password(admin, taken):
    done = _on_a_terminal(admin, "some password\nsome password\n", "user", "create", taken)

    assert done.returncode == 1
    assert done.stderr == f"Error: An account named '{taken}' already exists.\n"
    assert "Password" not in done.stdout + done.stderr  # (a prompt would wait for input)


@pytest.mark.parametrize(
    "command",
    [
        ("user", "create"),
        ("user", "describe"),
        ("user", "update"),
        ("user", "delete"),
        ("service-account", "create"),
        ("service-account", "delete"),
    ],
    ids=" ".join,
)
def test_account_help_names_its_placeholders(tmp_path, command):
    help_text = StepwellCommand(tmp_path / "home").ok(*command, "--help")

    assert f"stepwell {' '.join(command)} [OPTIONS] NAME" in help_text
    assert "{name}" not in help_text
    for option, placeholder in (("--role", "ROLE"), ("--password ", "PASSWORD")):
        line = next((line for line in help_text.splitlines() if option in line), None)
        if line is not None:
            assert placeholder in line and "<str>" not in line
    assert not any("<bool>" in line for line in help_text.splitlines() if "--help" not in line)
