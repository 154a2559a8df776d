"""`stepwell orchestrator ...`, `stepwell artifact-store ...`, `stepwell alerter ...`: the
per-type groups ZenML users know, over the same store as `stepwell stack component ...`."""

from stepwell.client import Client


def component_ids(cli_json, *type_option):
    """{name: id} of the components `stack component list` shows."""
    return {row["name"]: row["id"] for row in cli_json("stack", "component", "list", *type_option)}


def test_orchestrator_register_list_describe_update_rename_delete(cli, cli_json):
    result = cli(
        "orchestrator", "register", "fast", "--flavor=local", "--max-parallelism=2",
        "synchronous=false",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Registered orchestrator 'fast' (flavor local)" in result.stdout

    listed = {row["name"]: row for row in cli_json("orchestrator", "list")}
    assert set(listed) == {"default", "fast"}
    assert listed["fast"]["configuration"] == {"max_parallelism": 2, "synchronous": False}
    assert {row["type"] for row in listed.values()} == {"orchestrator"}
    assert component_ids(cli_json, "--type", "orchestrator")["fast"] == listed["fast"]["id"]

    described = cli_json("orchestrator", "describe", "fast")
    assert (described["flavor"], described["id"]) == ("local", listed["fast"]["id"])

    result = cli("orchestrator", "update", "fast", "--max_parallelism=4", "--start-method", "spawn")
    assert result.exit_code == 0, result.output
    component = Client().get_stack_component("orchestrator", "fast")
    assert component.configuration == {
        "max_parallelism": 4,
        "synchronous": False,
        "start_method": "spawn",
    }

    assert cli("orchestrator", "rename", "fast", "faster").exit_code == 0
    assert Client().get_stack_component("orchestrator", "faster").id == component.id

    result = cli("orchestrator", "delete", "faster", "--yes")
    assert result.exit_code == 0, result.output
    assert "faster" not in component_ids(cli_json)


def test_artifact_store_register_list_describe_update_delete_zenml_style(cli, cli_json):
    result = cli("artifact-store", "register", "s3_store", "-f", "s3", "--path=s3://bucket/x")
    assert result.exit_code == 0, result.output

    (row,) = [r for r in cli_json("artifact-store", "list", "--flavor", "s3")]
    assert (row["name"], row["type"]) == ("s3_store", "artifact_store")
    assert row["configuration"]["path"] == "s3://bucket/x"
    assert component_ids(cli_json)["s3_store"] == row["id"]
    assert cli_json("artifact-store", "describe", "s3_store")["configuration"]["path"] == (
        "s3://bucket/x"
    )
    assert "s3_store" not in {r["name"] for r in cli_json("orchestrator", "list")}

    result = cli("artifact-store", "update", "s3_store", "--path", "s3://bucket/y")
    assert result.exit_code == 0, result.output
    stored = Client().get_stack_component("artifact_store", "s3_store")
    assert stored.configuration["path"] == "s3://bucket/y"

    assert cli("artifact-store", "delete", "s3_store", "-y").exit_code == 0
    assert "s3_store" not in component_ids(cli_json, "--type", "artifact_store")


def test_a_component_registered_by_stack_component_is_seen_by_its_group(cli, cli_json):
    result = cli(
        "stack", "component", "register", "files", "-t", "artifact_store", "-f", "local",
        "path=shared-folder",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "files" in {row["name"] for row in cli_json("artifact-store", "list")}
    assert cli_json("artifact-store", "describe", "files")["flavor"] == "local"


def test_an_unknown_field_fails_naming_it_and_the_flavors_fields(cli):
    result = cli("orchestrator", "register", "o", "--flavor=local", "--max-paralelism=2")
    assert result.exit_code == 1
    assert "unknown key 'max_paralelism'" in result.stderr
    for field in ("max_parallelism", "reuse_processes", "start_method", "synchronous"):
        assert field in result.stderr
    assert [c.name for c in Client().list_stack_components("orchestrator")] == ["default"]


def test_an_unknown_field_in_update_fails_and_changes_nothing(cli):
    assert (
        cli("artifact-store", "register", "s3_store", "-f", "s3", "--path=s3://b/x").exit_code == 0
    )
    result = cli("artifact-store", "update", "s3_store", "--pth=s3://b/y")
    assert result.exit_code == 1
    assert "unknown key 'pth'" in result.stderr and "path" in result.stderr
    stored = Client().get_stack_component("artifact_store", "s3_store")
    assert stored.configuration["path"] == "s3://b/x"


def test_a_short_option_the_command_lacks_is_refused_before_anything_is_stored(cli):
    result = cli("orchestrator", "register", "o", "-f", "local", "-l", "team=ml")
    assert result.exit_code == 1
    assert "No such option: -l" in result.stderr
    assert [c.name for c in Client().list_stack_components("orchestrator")] == ["default"]


def test_an_unknown_flavor_lists_the_types_flavors(cli):
    result = cli("orchestrator", "register", "o", "-f", "kubernetes")
    assert result.exit_code == 1
    assert "no orchestrator flavor named 'kubernetes'" in result.stderr
    assert "local" in result.stderr and "inline" in result.stderr


def test_describe_and_update_without_a_name_mean_the_active_stacks_component(cli, cli_json):
    assert cli_json("orchestrator", "describe")["name"] == "default"
    result = cli("orchestrator", "update", "--max-parallelism=3")
    assert result.exit_code == 0, result.output
    assert Client().get_stack_component("orchestrator", "default").configuration == {
        "max_parallelism": 3
    }


def test_update_with_nothing_to_change_says_what_to_give(cli):
    result = cli("orchestrator", "update", "default")
    assert result.exit_code == 1
    assert "Nothing to change" in result.stderr and "--KEY=VALUE" in result.stderr


def test_delete_without_yes_and_without_a_terminal_deletes_nothing(cli):
    assert cli("alerter", "register", "chat", "-f", "log", "--level=WARNING").exit_code == 0
    result = cli("alerter", "delete", "chat")
    assert result.exit_code == 1
    assert "pass -y (--yes)" in result.stderr
    assert Client().get_stack_component("alerter", "chat").configuration == {"level": "WARNING"}


def test_flavor_list_shows_only_the_groups_type(cli_json):
    rows = cli_json("artifact-store", "flavor", "list")
    assert {row["type"] for row in rows} == {"artifact_store"}
    assert {"local", "s3"} <= {row["flavor"] for row in rows}


def test_the_root_help_lists_the_groups_and_register_help_shows_both_forms(cli):
    root = cli("--help").stdout
    for group in ("orchestrator", "artifact-store", "alerter"):
        assert f"\n  {group} " in root
    usage = cli("artifact-store", "register", "--help").stdout
    assert "register [OPTIONS] NAME" in usage and "--KEY=VALUE|KEY=VALUE" in usage
    assert "-f, --flavor FLAVOR" in usage
