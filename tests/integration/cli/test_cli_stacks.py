"""`stepwell stack ...` and `stepwell stack component ...` against a real store."""

import pytest
from cli_helpers import table_rows

from stepwell.client import Client


def register_alerter(cli, name="team-chat", *config):
    config = config or ("url=https://hooks.example.invalid/x", "timeout=5")
    return cli(
        "stack", "component", "register", name, "--type", "alerter", "--flavor", "webhook", *config
    )


def test_component_register_validates_and_stores_typed_configuration(cli):
    result = register_alerter(cli)
    assert result.exit_code == 0, result.output
    assert "Registered alerter 'team-chat' (flavor webhook)" in result.stdout
    component = Client().get_stack_component("alerter", "team-chat")
    assert component.flavor == "webhook"
    assert component.configuration == {"url": "https://hooks.example.invalid/x", "timeout": 5.0}


def test_component_register_with_an_unknown_key_exits_1(cli):
    result = register_alerter(cli, "chat", "url=https://hooks.example.invalid/x", "retry_count=3")
    assert result.exit_code == 1
    assert "unknown key 'retry_count'" in result.stderr
    assert [c.name for c in Client().list_stack_components(component_type="alerter")] == []


def test_component_register_with_a_bad_value_exits_1(cli):
    result = register_alerter(cli, "chat", "url=ftp://nowhere")
    assert result.exit_code == 1
    assert "'url'" in result.stderr and "http" in result.stderr


def test_component_register_with_an_unknown_flavor_exits_1_listing_flavors(cli):
    result = cli("stack", "component", "register", "x", "--type", "alerter", "--flavor", "pigeon")
    assert result.exit_code == 1
    assert "no alerter flavor named 'pigeon'" in result.stderr
    assert "log" in result.stderr and "webhook" in result.stderr


def test_component_register_with_malformed_configuration_exits_1(cli):
    result = register_alerter(cli, "chat", "url")
    assert result.exit_code == 1
    assert "'url' is not key=value" in result.stderr


def test_component_register_with_an_unknown_type_is_a_usage_error(cli):
    result = cli("stack", "component", "register", "x", "--type", "scheduler", "--flavor", "local")
    assert result.exit_code == 2
    assert "scheduler" in result.stderr


def test_component_list_json_includes_defaults_and_registered(cli, cli_json):
    assert register_alerter(cli).exit_code == 0
    rows = cli_json("stack", "component", "list")
    assert {(r["type"], r["name"], r["flavor"]) for r in rows} == {
        ("orchestrator", "default", "local"),
        ("artifact_store", "default", "local"),
        ("alerter", "team-chat", "webhook"),
    }
    alerters = cli_json("stack", "component", "list", "--type", "alerter")
    assert [r["name"] for r in alerters] == ["team-chat"]


def test_component_describe_finds_it_by_name_alone(cli, cli_json):
    assert register_alerter(cli).exit_code == 0
    described = cli_json("stack", "component", "describe", "team-chat")
    assert described["type"] == "alerter"
    assert described["configuration"]["timeout"] == 5.0
    table = cli("stack", "component", "describe", "team-chat")
    assert "config timeout" in table.stdout


def test_component_describe_of_a_name_two_types_share_needs_type(cli, cli_json):
    result = cli("stack", "component", "describe", "default")
    assert result.exit_code == 1
    assert "pick one with --type" in result.stderr
    described = cli_json("stack", "component", "describe", "default", "--type", "orchestrator")
    assert described["flavor"] == "local"


def test_component_describe_of_an_unknown_name_exits_1(cli):
    result = cli("stack", "component", "describe", "nothing")
    assert result.exit_code == 1
    assert "stepwell stack component list" in result.stderr


def test_stack_register_set_describe_list_and_delete(cli, cli_json):
    assert register_alerter(cli).exit_code == 0
    result = cli(
        "stack",
        "register",
        "alerting",
        "-o",
        "default",
        "-a",
        "default",
        "-al",
        "team-chat",
        "--set",
    )
    assert result.exit_code == 0, result.output
    assert Client().active_stack_model.name == "alerting"
    stacks = {row["name"]: row for row in cli_json("stack", "list")}
    assert stacks["alerting"]["active"] is True and stacks["default"]["active"] is False
    assert stacks["alerting"]["alerter"] == "team-chat"
    described = cli_json("stack", "describe")
    assert described["name"] == "alerting"
    assert {c["type"]: c["name"] for c in described["components"]} == {
        "orchestrator": "default",
        "artifact_store": "default",
        "alerter": "team-chat",
    }
    deleting_active = cli("stack", "delete", "alerting", "--yes")
    assert deleting_active.exit_code == 1
    assert "active stack" in deleting_active.stderr
    assert cli("stack", "set", "default").exit_code == 0
    assert cli("stack", "delete", "alerting", "--yes").exit_code == 0
    assert [row["name"] for row in cli_json("stack", "list")] == ["default"]


def test_stack_list_table_marks_the_active_stack(cli):
    rows = table_rows(cli("stack", "list").stdout)
    assert rows == [["*", "default", "default", "default", "-"]]


def test_stack_register_with_an_unknown_component_exits_1(cli):
    result = cli("stack", "register", "broken", "-o", "default", "-a", "nowhere")
    assert result.exit_code == 1
    assert "nowhere" in result.stderr


@pytest.mark.parametrize("command", [("set",), ("describe",), ("delete", "--yes")])
def test_stack_commands_on_an_unknown_stack_exit_1(cli, command):
    result = cli("stack", command[0], "ghost", *command[1:])
    assert result.exit_code == 1
    assert "ghost" in result.stderr and "stepwell stack list" in result.stderr


def test_component_delete_refuses_one_in_use_then_deletes_it(cli):
    assert register_alerter(cli).exit_code == 0
    assert (
        cli(
            "stack", "register", "alerting", "-o", "default", "-a", "default", "-al", "team-chat"
        ).exit_code
        == 0
    )
    in_use = cli("stack", "component", "delete", "team-chat", "--yes")
    assert in_use.exit_code == 1
    assert cli("stack", "delete", "alerting", "--yes").exit_code == 0
    result = cli("stack", "component", "delete", "team-chat", "--yes")
    assert result.exit_code == 0, result.output
    assert Client().list_stack_components(component_type="alerter") == []


def test_component_secrets_are_masked_in_tables_and_json(cli, cli_json):
    registered = cli(
        "stack",
        "component",
        "register",
        "hook",
        "--type",
        "alerter",
        "--flavor",
        "webhook",
        "url=https://hooks.example/services/SECRET-PATH",
        "headers={Authorization: Bearer TOKEN}",
    )
    assert registered.exit_code == 0, registered.output
    for args in (
        ("stack", "component", "list"),
        ("stack", "component", "describe", "hook"),
    ):
        shown = cli(*args)
        assert shown.exit_code == 0, shown.output
        assert "SECRET-PATH" not in shown.output and "TOKEN" not in shown.output
        assert "hooks.example" in shown.output
    as_json = cli_json("stack", "component", "describe", "hook", "-o", "json")
    text = str(as_json)
    assert "SECRET-PATH" not in text and "TOKEN" not in text
