"""Destructive commands ask on a terminal; without one (a pipe, a script, CI) and without
`-y` they fail with one line saying to pass `-y (--yes)`, and delete nothing."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

from stepwell.client import Client

MODULE = """
    from stepwell import pipeline, step

    @step
    def one() -> int:
        return 1

    @pipeline
    def tiny():
        one()
"""


def _snapshot(user_module: Callable[..., Any]) -> Any:
    return user_module(MODULE, "cli_confirm_pipelines").tiny.create_snapshot(name="nightly")


def _model_versions(client: Client) -> int:
    return int(client.list_model_versions("line").total)


# Each case: make what the command deletes, the command, and how to see it is still there.
CASES: dict[str, tuple[Callable[..., Any], list[str], Callable[[Client], Any]]] = {
    "model delete": (
        lambda client, run, module: client.create_model("line"),
        ["model", "delete", "line"],
        lambda client: client.get_model("line"),
    ),
    "model version delete": (
        lambda client, run, module: [
            client.create_model("line"),
            client.create_model_version("line"),
            client.create_model_version("line"),
        ],
        ["model", "version", "delete", "line", "2"],
        lambda client: _model_versions(client) == 2 or pytest.fail("a version was deleted"),
    ),
    "pipeline delete": (
        lambda client, run, module: None,
        ["pipeline", "delete", "arithmetic"],
        lambda client: client.get_pipeline("arithmetic"),
    ),
    "pipeline runs delete": (
        lambda client, run, module: None,
        ["pipeline", "runs", "delete", "{run}"],
        lambda client: client.list_pipeline_runs().total == 1 or pytest.fail("run deleted"),
    ),
    "artifact prune": (
        lambda client, run, module: None,
        ["artifact", "prune"],
        lambda client: client.list_artifacts().total > 0 or pytest.fail("artifacts pruned"),
    ),
    "clean": (
        lambda client, run, module: None,
        ["clean"],
        lambda client: client.list_pipeline_runs().total == 1 or pytest.fail("store cleaned"),
    ),
    "stack delete": (
        lambda client, run, module: client.create_stack(
            "second", {"orchestrator": "default", "artifact_store": "default"}
        ),
        ["stack", "delete", "second"],
        lambda client: client.get_stack("second"),
    ),
    "stack component delete": (
        lambda client, run, module: client.create_stack_component("spare", "local", "orchestrator"),
        ["stack", "component", "delete", "spare"],
        lambda client: client.get_stack_component("orchestrator", "spare"),
    ),
    # The per-type groups, ZenML's `stepwell orchestrator delete NAME` and its kin.
    "orchestrator delete": (
        lambda client, run, module: client.create_stack_component("spare", "local", "orchestrator"),
        ["orchestrator", "delete", "spare"],
        lambda client: client.get_stack_component("orchestrator", "spare"),
    ),
    "artifact-store delete": (
        lambda client, run, module: client.create_stack_component(
            "spare", "local", "artifact_store"
        ),
        ["artifact-store", "delete", "spare"],
        lambda client: client.get_stack_component("artifact_store", "spare"),
    ),
    "alerter delete": (
        lambda client, run, module: client.create_stack_component("spare", "log", "alerter"),
        ["alerter", "delete", "spare"],
        lambda client: client.get_stack_component("alerter", "spare"),
    ),
    "snapshot delete": (
        lambda client, run, module: _snapshot(module),
        ["snapshot", "delete", "nightly"],
        lambda client: client.get_snapshot("nightly"),
    ),
    "pipeline snapshot delete": (  # ZenML's place for the same command
        lambda client, run, module: _snapshot(module),
        ["pipeline", "snapshot", "delete", "nightly"],
        lambda client: client.get_snapshot("nightly"),
    ),
    "schedule delete": (
        lambda client, run, module: client.store.create_schedule(
            name="hourly", snapshot_id=_snapshot(module).id, cron_expression="0 * * * *"
        ),
        ["schedule", "delete", "hourly"],
        lambda client: client.get_schedule("hourly"),
    ),
    "secret delete": (
        lambda client, run, module: client.create_secret("token", {"key": "value"}),
        ["secret", "delete", "token"],
        lambda client: client.get_secret("token"),
    ),
    "user delete": (
        lambda client, run, module: client.create_user("bob", password="long enough password"),
        ["user", "delete", "bob"],
        lambda client: client.get_user("bob"),
    ),
    "service-account delete": (
        lambda client, run, module: client.create_service_account("bot"),
        ["service-account", "delete", "bot"],
        lambda client: client.get_service_account("bot"),
    ),
}


# The cases that need a finished run of `arithmetic` (the others start from an empty store).
NEED_A_RUN = {"pipeline delete", "pipeline runs delete", "artifact prune", "clean"}


@pytest.mark.parametrize("case", list(CASES))
def test_a_destructive_command_without_a_terminal_or_yes_fails_in_one_line(
    cli, stepwell_home, user_module, request, case
):
    make, args, still_there = CASES[case]
    run = request.getfixturevalue("finished_run") if case in NEED_A_RUN else ""
    client = Client()
    make(client, run, user_module)

    result = cli(*[arg.replace("{run}", run) for arg in args], input="y\n")

    assert result.exit_code == 1, result.output
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("Error: ")
    assert result.stderr.endswith(" needs confirmation; pass -y (--yes) to do it without asking.\n")
    assert "Aborted" not in result.stderr
    still_there(Client())


def test_a_delete_with_stdin_from_dev_null_names_what_needs_confirmation(stepwell_home):
    client = Client()
    client.create_model("line")
    client.create_model_version("line")
    client.create_model_version("line")

    done = _stepwell("model", "version", "delete", "line", "2", stdin=subprocess.DEVNULL)

    assert done.returncode == 1
    assert done.stderr == (
        "Error: Deleting version 2 of model 'line' needs confirmation; pass -y (--yes) to do "
        "it without asking.\n"
    )
    assert _model_versions(Client()) == 2


def test_yes_deletes_without_a_terminal(cli, stepwell_home):
    Client().create_model("line")

    result = cli("model", "delete", "line", "-y")

    assert result.exit_code == 0, result.output
    assert Client().list_models().total == 0


@pytest.mark.parametrize(("answer", "kept"), [("n\n", True), ("y\n", False)])
def test_on_a_terminal_the_command_asks_and_does_what_was_answered(stepwell_home, answer, kept):
    Client().create_model("line")

    done = _on_a_terminal(answer, "model", "delete", "line")

    assert "Delete model 'line' and its 0 version(s)? [y/N]" in done.stderr
    assert done.returncode == (1 if kept else 0)
    assert (Client().list_models().total == 1) is kept


def _stepwell(*args: str, stdin: Any) -> subprocess.CompletedProcess[str]:
    """`stepwell` in a child process on this test's home folder."""
    return subprocess.run(
        [sys.executable, "-m", "stepwell", *args],
        env={**os.environ, "NO_COLOR": "1"},
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _on_a_terminal(answer: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`stepwell` with a pseudo-terminal as stdin, `answer` typed into it."""
    leader, follower = pty.openpty()
    try:
        os.write(leader, answer.encode())
        return _stepwell(*args, stdin=follower)
    finally:
        os.close(follower)
        os.close(leader)


def test_every_destructive_command_is_covered():
    """A new `delete` command joins the cases above (and so the shared confirmation)."""
    import typer
    from typer.main import get_command

    from stepwell.cli.app import app

    def deletes(group: Any, path: tuple[str, ...]) -> list[str]:
        found = []
        context = typer.Context(group)  # groups built on first use are built here
        for name in group.list_commands(context):
            command = group.get_command(context, name)
            if hasattr(command, "commands"):
                found += deletes(command, (*path, name))
            elif name in ("delete", "prune", "clean"):
                found.append(" ".join((*path, name)))
        return found

    assert sorted(deletes(get_command(app), ())) == sorted(CASES)
