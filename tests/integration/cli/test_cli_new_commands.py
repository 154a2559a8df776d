"""Commands added for daily use: `snapshot create`, `stack update`, `stack component update`,
`stack component flavor list`, `artifact versions` / `artifact version list`, and metadata
in `artifact describe`'s table."""

from __future__ import annotations

import json
import re

from cli_helpers import target

from stepwell.client import Client


def test_snapshot_create_stores_a_pipeline_that_trigger_runs(cli, cli_json):
    result = cli("snapshot", "create", target("arithmetic"), "--name", "nightly", "-d", "daily")
    assert result.exit_code == 0, result.output
    snapshot = Client().get_snapshot("nightly")
    assert snapshot.pipeline_name == "arithmetic" and snapshot.description == "daily"
    fields = cli_json("snapshot", "trigger", "nightly", "--wait")
    assert fields["status"] == "completed"
    assert Client().get_pipeline_run(fields["name"]).snapshot_id == snapshot.id


def test_zenml_places_for_snapshot_commands_work(cli):
    assert cli("pipeline", "snapshot", "create", target("arithmetic"), "--name", "n").exit_code == 0
    result = cli("pipeline", "snapshot", "run", "n", "--wait", "-o", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["status"] == "completed"


def test_stack_update_swaps_one_component_and_keeps_the_others(cli):
    client = Client()
    client.create_stack_component("chat", flavor="log", component_type="alerter")
    client.create_stack("team", {"orchestrator": "default", "artifact_store": "default"})
    result = cli("stack", "update", "team", "--alerter", "chat")
    assert result.exit_code == 0, result.output
    components = {kind.value: c.name for kind, c in client.get_stack("team").components.items()}
    assert components == {"orchestrator": "default", "artifact_store": "default", "alerter": "chat"}
    assert cli("stack", "update", "team", "--remove-alerter").exit_code == 0
    assert "alerter" not in {kind.value for kind in client.get_stack("team").components}


def test_stack_update_without_changes_says_what_to_give(cli):
    result = cli("stack", "update", "default")
    assert result.exit_code == 1
    assert "--orchestrator" in result.stderr


def test_component_update_changes_configuration_checked_against_the_flavor(cli):
    client = Client()
    client.create_stack_component("chat", flavor="log", component_type="alerter")
    result = cli("stack", "component", "update", "chat", "level=DEBUG")
    assert result.exit_code == 0, result.output
    assert client.get_stack_component("alerter", "chat").configuration["level"] == "DEBUG"
    bad = cli("stack", "component", "update", "chat", "level=LOUD")
    assert bad.exit_code == 1 and "level" in bad.stderr


def test_flavor_list_shows_built_in_flavors_with_their_fields(cli_json):
    flavors = {
        (row["type"], row["flavor"]): row
        for row in cli_json("stack", "component", "flavor", "list")
    }
    webhook = flavors[("alerter", "webhook")]
    assert webhook["source"] == "built-in"
    fields = {field["name"]: field for field in webhook["fields"]}
    assert fields["url"]["required"] and fields["url"]["secret"]
    assert fields["timeout"]["default"] == 10.0
    assert ("orchestrator", "local") in flavors


def test_artifact_describe_table_shows_run_metadata(cli, finished_run):
    from stepwell import log_metadata

    log_metadata(
        {"accuracy": 0.93}, artifact_name="arithmetic::scale::output", artifact_version="1"
    )
    result = cli("artifact", "describe", "arithmetic::scale::output")
    assert result.exit_code == 0, result.output
    line = next(line for line in result.stdout.splitlines() if "accuracy" in line)
    assert "0.93" in line


def test_artifact_versions_lists_every_version_newest_first(cli, cli_json, finished_run):
    assert cli("-q", "run", target("arithmetic"), "--param", "value=5").exit_code == 0
    rows = cli_json("artifact", "versions", "arithmetic::make_number::output")
    assert [row["version"] for row in rows] == ["2", "1"]
    assert rows[1]["producer_run"] == finished_run
    same = cli_json("artifact", "version", "list", "--artifact", "arithmetic::make_number::output")
    assert [row["id"] for row in same] == [row["id"] for row in rows]


def test_artifact_versions_table_shows_sizes_in_human_units_and_json_keeps_bytes(
    cli, cli_json, finished_run
):
    rows = cli_json("artifact", "versions", "arithmetic::make_number::output")
    size = rows[0]["size"]
    assert isinstance(size, int)
    table = cli("artifact", "versions", "arithmetic::make_number::output")
    assert table.exit_code == 0
    expected = "1 byte" if size == 1 else f"{size} bytes"  # an int's bytes: under 1000
    assert re.search(rf"(?<![\w.]){expected}(?!\w)", table.stdout), table.stdout
