"""Every command's `--help` names what to type (`NAME`, `FILE`, `KEY=VALUE`), never a Python
type (`<bool>`, `<str>`, `<list[str]>`) or a braced argument (`{NAME}`)."""

from __future__ import annotations

import re

import typer
from typer.testing import CliRunner

from stepwell.cli.app import app

PYTHON_TYPE_METAVAR = re.compile(r"<(bool|str|int|float|list\[[^>]*\]|file|path|dir)[^>]*>")
BRACED = re.compile(r"\{[A-Za-z_:\[\]=.]+\}")


def command_paths(command, prefix=()):
    """Every command and group below `command`, as argument lists (asked through Click's
    `list_commands`/`get_command`, so groups whose commands are made on demand count too)."""
    yield list(prefix)
    if not hasattr(command, "list_commands"):
        return
    context = typer.Context(command)
    for name in command.list_commands(context):
        yield from command_paths(command.get_command(context, name), (*prefix, name))


def test_no_help_page_shows_a_python_type_or_a_braced_argument():
    root = typer.main.get_command(app)
    runner = CliRunner()
    checked = 0
    for path in command_paths(root):
        result = runner.invoke(app, [*path, "--help"], catch_exceptions=False)
        assert result.exit_code == 0, (path, result.output)
        assert not PYTHON_TYPE_METAVAR.search(result.output), (path, result.output)
        usage = result.output.splitlines()[0]
        assert not BRACED.search(usage), (path, usage)
        checked += 1
    assert checked > 60  # the whole tree was walked, not just the root


def test_run_help_names_its_values():
    result = CliRunner().invoke(app, ["run", "--help"])
    assert "Usage: stepwell run [OPTIONS] MODULE:PIPELINE" in result.output
    for shown in ("--param KEY=VALUE", "--config FILE", "--run-name NAME", "--stack STACK"):
        assert shown in result.output
    assert "--output [table|json]" in result.output


def test_optional_and_repeated_arguments_read_as_in_click():
    result = CliRunner().invoke(app, ["stack", "component", "register", "--help"])
    assert "register [OPTIONS] NAME [[KEY=VALUE]...]" in result.output
    result = CliRunner().invoke(app, ["stack", "describe", "--help"])
    assert "describe [OPTIONS] [NAME]" in result.output
