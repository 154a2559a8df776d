"""`stepwell pipeline list|delete` and `stepwell artifact list|describe|export`."""

from cli_helpers import table_rows, target

from stepwell.client import Client


def test_pipeline_list_shows_each_pipeline_with_its_newest_run(cli, finished_run):
    result = cli("pipeline", "list")
    assert result.exit_code == 0, result.output
    assert [row[:3] for row in table_rows(result.stdout)] == [
        ["arithmetic", finished_run, "completed"]
    ]


def test_pipeline_list_json(cli_json, finished_run):
    (row,) = cli_json("pipeline", "list")
    assert row["name"] == "arithmetic"
    assert row["latest_run"] == finished_run
    assert row["id"] == str(Client().get_pipeline("arithmetic").id)


def test_pipeline_list_when_empty_says_how_to_start(cli):
    result = cli("pipeline", "list")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "stepwell run MODULE:PIPELINE" in result.stderr
    assert cli("pipeline", "list", "-o", "json").stdout.strip() == "[]"


def test_pipeline_delete_removes_it_with_its_runs(cli, finished_run):
    result = cli("pipeline", "delete", "arithmetic", "--yes")
    assert result.exit_code == 0, result.output
    assert "1 run(s)" in result.stdout
    assert Client().list_pipelines() == []
    assert Client().list_pipeline_runs() == []


def test_pipeline_delete_of_an_unknown_pipeline_exits_1(cli):
    result = cli("pipeline", "delete", "nope", "--yes")
    assert result.exit_code == 1
    assert "stepwell pipeline list" in result.stderr


def test_artifact_list_shows_latest_versions(cli, finished_run):
    assert cli("run", target("arithmetic"), "-p", "value=5").exit_code == 0
    rows = {row[0]: row for row in table_rows(cli("artifact", "list").stdout)}
    assert set(rows) == {"arithmetic::make_number::output", "arithmetic::scale::output"}
    assert rows["arithmetic::make_number::output"][1:4] == ["2", "2", "builtins:int"]


def test_artifact_list_json(cli_json, finished_run):
    rows = {row["name"]: row for row in cli_json("artifact", "list")}
    assert rows["arithmetic::scale::output"]["latest_version"] == "1"
    assert rows["arithmetic::scale::output"]["data_type"] == "builtins:float"


def test_artifact_describe_json_names_type_size_hash_and_producer(cli_json, finished_run):
    described = cli_json("artifact", "describe", "arithmetic::scale::output:1")
    version = Client().get_artifact_version("arithmetic::scale::output", 1)
    assert described["id"] == str(version.id)
    assert described["version"] == "1"
    assert described["type"] == "DataArtifact"
    assert described["data_type"] == "builtins:float"
    assert described["materializer"] == version.materializer
    assert described["size"] == version.size and version.size > 0
    assert described["content_hash"] == version.content_hash
    assert described["producer_step"] == "scale"
    assert described["producer_run"] == finished_run
    assert described["consumers"] == []  # nothing reads the last step's output


def test_artifact_describe_lists_the_step_runs_that_read_it(cli_json, finished_run):
    produced = cli_json("artifact", "describe", "arithmetic::make_number::output:1")
    assert produced["consumers"] == [f"scale ({finished_run})"]


def test_artifact_describe_without_version_is_the_latest(cli, cli_json, finished_run):
    assert cli("run", target("arithmetic"), "-p", "value=5").exit_code == 0
    assert cli_json("artifact", "describe", "arithmetic::make_number::output")["version"] == "2"


def test_artifact_describe_table(cli, finished_run):
    result = cli("artifact", "describe", "arithmetic::scale::output")
    assert result.exit_code == 0, result.output
    assert "Artifact arithmetic::scale::output:1" in result.stdout
    assert "builtins:float" in result.stdout


def test_artifact_describe_of_an_unknown_name_or_version_exits_1(cli, finished_run):
    unknown = cli("artifact", "describe", "nothing")
    assert unknown.exit_code == 1
    assert "No artifact named 'nothing'" in unknown.stderr
    assert "stepwell artifact list" in unknown.stderr
    missing_version = cli("artifact", "describe", "arithmetic::scale::output:9")
    assert missing_version.exit_code == 1
    assert "has no version '9'" in missing_version.stderr


def test_artifact_export_copies_the_files_out(cli, finished_run, tmp_path):
    destination = tmp_path / "exported"
    result = cli("artifact", "export", "arithmetic::scale::output", str(destination))
    assert result.exit_code == 0, result.output
    version = Client().get_artifact_version("arithmetic::scale::output")
    exported = sorted(p.relative_to(destination) for p in destination.rglob("*") if p.is_file())
    assert exported, "nothing was exported"
    from pathlib import Path

    originals = sorted(
        p.relative_to(version.uri) for p in Path(version.uri).rglob("*") if p.is_file()
    )
    assert exported == originals
    for relative in exported:
        assert (destination / relative).read_bytes() == (Path(version.uri) / relative).read_bytes()


def test_artifact_export_refuses_an_existing_path(cli, finished_run, tmp_path):
    existing = tmp_path / "taken.txt"
    existing.write_text("mine")
    result = cli("artifact", "export", "arithmetic::scale::output", str(existing))
    assert result.exit_code == 1
    assert "already exists" in result.stderr
    assert existing.read_text() == "mine"
