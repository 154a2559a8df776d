"""A command group called with no command shows its help and succeeds, as `--help` does,
everywhere in the tree (not `Error: Missing command.`, not exit 2)."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from stepwell.cli.app import app


def group_paths(command, prefix=()):
    """Every group at or below `command`, as argument lists (through Click's
    `list_commands`/`get_command`, so groups whose commands are made on demand count too)."""
    if not hasattr(command, "list_commands"):
        return
    yield list(prefix)
    context = typer.Context(command)
    for name in command.list_commands(context):
        yield from group_paths(command.get_command(context, name), (*prefix, name))


def test_every_group_called_bare_prints_its_usage_and_exits_0():
    runner = CliRunner()
    checked = []
    for path in group_paths(typer.main.get_command(app)):
        result = runner.invoke(app, path, catch_exceptions=False)
        assert result.exit_code == 0, (path, result.output)
        usage = " ".join(["Usage: stepwell", *path, "[OPTIONS] COMMAND [ARGS]..."])
        assert result.stdout.startswith(usage), (path, result.stdout)
        assert "Commands:" in result.stdout, path
        assert "Missing command" not in result.output, path
        checked.append(path)
    # the whole tree was walked: the root, top-level groups and the nested ones
    assert [] in checked and ["stack", "component", "flavor"] in checked
    assert len(checked) > 20


@pytest.mark.parametrize(
    ("path", "lists"),
    [
        (["stack", "component"], "register"),
        (["stack", "component", "flavor"], "list"),
        (["artifact", "version"], "describe"),
    ],
    ids=" ".join,
)
def test_groups_the_trial_found_show_their_commands(cli, path, lists):
    result = cli(*path)

    assert result.exit_code == 0
    assert result.stderr == ""
    commands = result.stdout.split("Commands:", 1)[1]
    assert lists in commands.split()
