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


def test_list_filters_by_name_as_zenml_does(cli, finished_run):
    """ZenML's `--name` (with its `contains:` operators) and `--pipeline_id` filter lists."""
    listed = cli(
        "pipeline", "runs", "list", "--name", f"contains:{finished_run[-6:]}", "-o", "json"
    )
    assert listed.exit_code == 0, listed.output
    assert [run["name"] for run in json.loads(listed.stdout)] == [finished_run]
    unmatched = cli("pipeline", "runs", "list", "--name", "no-such-run")
    assert unmatched.exit_code == 0
    assert "No runs match the filters." in unmatched.output
    by_owner = cli("pipeline", "runs", "list", "--pipeline_id", "arithmetic", "-o", "json")
    assert [run["name"] for run in json.loads(by_owner.stdout)] == [finished_run]

    artifacts = json.loads(cli("artifact", "list", "-o", "json").stdout)
    some = artifacts[0]["name"]
    named = cli("artifact", "list", "--name", some, "-o", "json")
    assert [artifact["name"] for artifact in json.loads(named.stdout)] == [some]
    assert "No artifacts match" in cli("artifact", "list", "--name", "contains:zzz").output
    versions = cli("artifact", "version", "list", "--name", some, "-o", "json")
    assert versions.exit_code == 0, versions.output
    assert {version["name"] for version in json.loads(versions.stdout)} == {some}
