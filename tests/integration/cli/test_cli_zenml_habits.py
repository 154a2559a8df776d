"""Commands a ZenML user types out of habit work here too: `version`, `stack get`, and
`pipeline runs list --pipeline_name` (ZenML's list options are its filter fields)."""

from __future__ import annotations

import json

import stepwell


def test_version_command_prints_what_the_version_option_prints(cli):
    result = cli("version")

    assert result.exit_code == 0
    assert result.stdout == f"stepwell {stepwell.__version__}\n"
    assert result.stdout == cli("--version").stdout


def test_stack_get_names_the_active_stack(cli):
    assert cli("stack", "get").stdout == "Active stack: 'default'.\n"

    cli("stack", "register", "other", "-o", "default", "-a", "default")
    assert cli("stack", "set", "other").exit_code == 0

    result = cli("stack", "get")
    assert result.exit_code == 0
    assert result.stdout == "Active stack: 'other'.\n"


def test_runs_list_takes_pipeline_name_with_an_underscore(cli, finished_run):
    result = cli("pipeline", "runs", "list", "--pipeline_name", "arithmetic", "--output", "json")

    assert result.exit_code == 0, result.output
    assert [run["name"] for run in json.loads(result.stdout)] == [finished_run]
