"""`stepwell model ...` and `stepwell model version ...` over models made by real runs.

The store is made once per module by `stepwell run` in a child process (three runs of
`training`, which makes versions 1-3 of `classifier`, version 2 with an extra `f1` metric,
and one run of `ranking`), then copied into each test's own home, so a test may change it.
"""

import json
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import table_rows

from stepwell.client import Client

PIPELINES = Path(__file__).parent / "cli_model_pipelines.py"
RUNS = [
    ("training", "rate=0.1"),
    ("training", "rate=0.15", "f1=0.7"),
    ("training", "rate=0.2"),
    ("ranking",),
]


def stepwell(*args: str, home: Path, stdin=None, timeout: float = 120):
    """Run the `stepwell` command in a child process on the store in `home`."""
    env = {**os.environ, "STEPWELL_HOME": str(home), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "stepwell", *args],
        env=env,
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def template_home(tmp_path_factory) -> Path:
    """A home whose store holds the models that the runs above made."""
    home = tmp_path_factory.mktemp("models") / "home"
    for pipeline_name, *params in RUNS:
        args = [arg for param in params for arg in ("--param", param)]
        done = stepwell("-q", "run", f"{PIPELINES}:{pipeline_name}", *args, home=home)
        assert done.returncode == 0, done.stderr
    return home


@pytest.fixture
def models(template_home, stepwell_home) -> Path:
    """This test's home: a copy of the template's store."""
    shutil.copytree(template_home, stepwell_home)
    return stepwell_home


def stage_of(number: int, model: str = "classifier") -> str | None:
    return Client().get_model_version(model, number).stage


# -- model list | describe | delete -----------------------------------------------------------
def test_model_list_shows_latest_version_version_count_and_tags(cli, cli_json, models):
    rows = {row["name"]: row for row in cli_json("model", "list")}
    assert set(rows) == {"classifier", "ranker"}
    assert rows["classifier"]["latest_version"] == "3"
    assert rows["classifier"]["version_count"] == 3
    assert rows["classifier"]["tags"] == ["cv"]
    assert rows["classifier"]["license"] == "MIT"
    table = table_rows(cli("model", "list").stdout)
    assert ["classifier", "3", "3", "cv"] in [row[:4] for row in table]


def test_model_list_filters_by_name_and_tag_and_pages(cli_json, models):
    assert [row["name"] for row in cli_json("model", "list", "--tag", "search")] == ["ranker"]
    assert [row["name"] for row in cli_json("model", "list", "--name", "contains:class")] == [
        "classifier"
    ]
    first = cli_json("model", "list", "--sort-by", "asc:name", "--size", "1")
    second = cli_json("model", "list", "--sort-by", "asc:name", "--size", "1", "--page", "2")
    assert [first[0]["name"], second[0]["name"]] == ["classifier", "ranker"]


def test_model_describe_shows_the_card_and_each_version_with_its_stage(cli, cli_json, models):
    Client().update_model_version("classifier", 2, stage="production")
    described = cli_json("model", "describe", "classifier")
    assert described["description"] == "sorts things"
    assert described["license"] == "MIT"
    assert [(v["number"], v["stage"]) for v in described["versions"]] == [
        (1, None),
        (2, "production"),
        (3, None),
    ]
    table = cli("model", "describe", "classifier").stdout
    assert ["2", "2", "production", "cv"] in [row[:4] for row in table_rows(table)]
    assert "license" in table and "MIT" in table


def test_model_describe_of_an_unknown_model_exits_1_pointing_to_the_list(cli, models):
    result = cli("model", "describe", "regressor")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "regressor" in result.stderr and "stepwell model list" in result.stderr


def test_model_delete_asks_first_and_deletes_on_yes(cli_json, models):
    declined = run_on_a_terminal(models, "n\n", "model", "delete", "ranker")
    assert declined.returncode == 1
    assert "Delete model 'ranker' and its 1 version(s)?" in declined.stderr
    assert {row["name"] for row in cli_json("model", "list")} == {"classifier", "ranker"}

    accepted = run_on_a_terminal(models, "y\n", "model", "delete", "ranker")
    assert accepted.returncode == 0, accepted.stderr
    assert "Deleted model 'ranker'" in accepted.stdout
    assert [row["name"] for row in cli_json("model", "list")] == ["classifier"]


def test_model_delete_with_yes_prints_json(cli_json, models):
    deleted = cli_json("model", "delete", "classifier", "-y")
    assert deleted["deleted"] == "model"
    assert (deleted["name"], deleted["version_count"]) == ("classifier", 3)
    assert [row["name"] for row in cli_json("model", "list")] == ["ranker"]
    assert Client().list_pipeline_runs(pipeline_name="training").total == 3  # runs stay


# -- version list, --compare -------------------------------------------------------------------
def test_version_list_shows_each_version_with_stage_tags_and_metadata(cli, cli_json, models):
    Client().update_model_version("classifier", 3, stage="staging")
    rows = cli_json("model", "version", "list", "classifier")
    assert [(r["number"], r["name"], r["stage"]) for r in rows] == [
        (1, "1", None),
        (2, "2", None),
        (3, "3", "staging"),
    ]
    assert rows[1]["run_metadata"] == {"accuracy": 0.95, "rows": 10, "f1": 0.7}
    assert rows[0]["tags"] == ["cv"]
    every_model = cli_json("model", "version", "list")
    assert {(r["model"], r["number"]) for r in every_model} == {
        ("classifier", 1),
        ("classifier", 2),
        ("classifier", 3),
        ("ranker", 1),
    }
    table = table_rows(cli("model", "version", "list", "classifier").stdout)
    assert [row[:4] for row in table][2] == ["classifier", "3", "3", "staging"]


def test_version_list_filters_by_stage_none_meaning_no_stage(cli_json, models):
    Client().update_model_version("classifier", 1, stage="production")
    in_production = cli_json("model", "version", "list", "classifier", "--stage", "production")
    assert [r["number"] for r in in_production] == [1]
    without = cli_json("model", "version", "list", "classifier", "--stage", "none")
    assert [r["number"] for r in without] == [2, 3]


def test_version_list_with_an_unknown_stage_exits_1_listing_the_stages(cli, models):
    result = cli("model", "version", "list", "classifier", "--stage", "prod")
    assert result.exit_code == 1
    assert "'prod' is not a model stage; use one of: archived, none, production, staging" in (
        result.stderr
    )


def test_version_list_compare_tabulates_metadata_blank_where_missing(cli, models):
    result = cli("model", "version", "list", "classifier", "--compare")
    assert result.exit_code == 0, result.output
    header = next(line for line in result.stdout.splitlines() if "KEY" in line)
    assert [cell.strip() for cell in header.split("|")[1:-1]] == ["KEY", "1", "2", "3"]
    assert table_rows(result.stdout) == [
        ["accuracy", "0.9", "0.95", "1.0"],
        ["f1", "", "0.7", ""],
        ["rows", "10", "10", "10"],
    ]


def test_version_list_compare_json_aligns_values_with_versions(cli_json, models):
    compared = cli_json("model", "version", "list", "classifier", "--compare")
    assert [v["name"] for v in compared["versions"]] == ["1", "2", "3"]
    assert compared["rows"] == [
        {"key": "accuracy", "values": [0.9, 0.95, 1.0]},
        {"key": "f1", "values": [None, 0.7, None]},
        {"key": "rows", "values": [10, 10, 10]},
    ]


def test_version_list_compare_of_several_models_labels_columns_by_model(cli, models):
    result = cli("model", "version", "list", "--compare", "--sort-by", "asc:created")
    header = next(line for line in result.stdout.splitlines() if "KEY" in line)
    assert "classifier:1" in header and "ranker:1" in header
    assert ["ndcg", "", "", "", "0.5"] in table_rows(result.stdout)


# -- version describe ----------------------------------------------------------------------------
@pytest.mark.parametrize("reference", ["2", "production"])
def test_version_describe_finds_a_version_by_number_or_stage(cli_json, models, reference):
    Client().update_model_version("classifier", 2, stage="production")
    described = cli_json("model", "version", "describe", "classifier", reference)
    assert (described["number"], described["stage"]) == (2, "production")


def test_version_describe_latest_shows_metadata_artifacts_and_runs(cli, cli_json, models):
    described = cli_json("model", "version", "describe", "classifier", "latest")
    assert described["number"] == 3
    assert described["run_metadata"] == {"accuracy": 1.0, "rows": 10}
    assert {(a["kind"], a["name"], a["version"]) for a in described["artifacts"]} == {
        ("data", "dataset", "3"),
        ("model", "weights", "3"),
    }
    (run,) = described["pipeline_runs"]
    assert run["status"] == "completed"
    assert run["name"] == Client().get_model_version("classifier", 3).pipeline_runs.popitem()[0]
    table = cli("model", "version", "describe", "classifier", "latest").stdout
    assert ["model", "weights", "3", "builtins:float"] in table_rows(table)
    assert [run["name"], "completed"] in [row[:2] for row in table_rows(table)]


def test_version_describe_by_name_after_a_rename(cli, cli_json, models):
    renamed = cli("model", "version", "update", "classifier", "1", "--name", "baseline")
    assert renamed.exit_code == 0, renamed.output
    assert cli_json("model", "version", "describe", "classifier", "baseline")["number"] == 1


def test_version_describe_of_an_unknown_version_exits_1_listing_versions(cli, models):
    result = cli("model", "version", "describe", "classifier", "7")
    assert result.exit_code == 1
    assert "Model 'classifier' has no version '7'. Its newest versions are: 3, 2, 1." in (
        result.stderr
    )
    assert "Traceback" not in result.output


def test_version_describe_of_an_empty_stage_says_how_to_promote(cli, models):
    result = cli("model", "version", "describe", "classifier", "production")
    assert result.exit_code == 1
    assert "stepwell model version update classifier VERSION --stage production" in result.stderr


# -- version update --------------------------------------------------------------------------
def test_version_update_moves_a_free_stage_without_asking(cli, models):
    result = cli("model", "version", "update", "classifier", "2", "--stage", "production")
    assert result.exit_code == 0, result.output
    assert "Updated version 2 of model 'classifier' (stage: production)." in result.stdout
    assert stage_of(2) == "production"


def test_version_update_of_a_taken_stage_without_a_terminal_exits_1_saying_force(cli, models):
    Client().update_model_version("classifier", 1, stage="production")
    result = cli("model", "version", "update", "classifier", "3", "--stage", "production")
    assert result.exit_code == 1
    assert (
        "Version 1 of model 'classifier' is in production; moving version 3 there archives "
        "version 1. Pass --force to move it." in result.stderr
    )
    assert (stage_of(1), stage_of(3)) == ("production", None)


def test_version_update_of_a_taken_stage_without_a_terminal_changes_nothing_else(cli, models):
    Client().update_model_version("classifier", 1, stage="production")
    result = cli(
        "model", "version", "update", "classifier", "3", "-s", "production", "-d", "new text"
    )
    assert result.exit_code == 1
    assert Client().get_model_version("classifier", 3).description == "sorts things"


def test_version_update_with_force_takes_the_stage_and_archives_the_holder(cli_json, models):
    Client().update_model_version("classifier", 1, stage="production")
    updated = cli_json(
        "model", "version", "update", "classifier", "3", "--stage", "production", "--force"
    )
    assert (updated["number"], updated["stage"]) == (3, "production")
    assert stage_of(1) == "archived"


def run_on_a_terminal(home: Path, answer: str, *args: str) -> subprocess.CompletedProcess:
    """Run `stepwell` with a pseudo-terminal as stdin, typing `answer` into it."""
    leader, follower = pty.openpty()
    try:
        os.write(leader, answer.encode())
        return stepwell(*args, home=home, stdin=follower)
    finally:
        os.close(follower)
        os.close(leader)


def test_version_update_of_a_taken_stage_on_a_terminal_asks_and_moves_on_yes(models):
    Client().update_model_version("classifier", 1, stage="production")
    done = run_on_a_terminal(
        models, "y\n", "model", "version", "update", "classifier", "3", "--stage", "production"
    )
    assert done.returncode == 0, done.stderr
    assert "Version 1 of model 'classifier' is in production" in done.stderr
    assert "Move it? [y/N]" in done.stderr
    assert "Version 1 is now archived." in done.stderr
    assert (stage_of(1), stage_of(3)) == ("archived", "production")


def test_version_update_of_a_taken_stage_on_a_terminal_keeps_it_on_no(models):
    Client().update_model_version("classifier", 1, stage="production")
    done = run_on_a_terminal(
        models, "n\n", "model", "version", "update", "classifier", "3", "--stage", "production"
    )
    assert done.returncode == 1
    assert "Aborted" in done.stderr
    assert (stage_of(1), stage_of(3)) == ("production", None)


@pytest.mark.parametrize("stage", ["latest", "prod"])
def test_version_update_to_an_unknown_stage_exits_1_listing_the_stages(cli, models, stage):
    result = cli("model", "version", "update", "classifier", "2", "--stage", stage)
    assert result.exit_code == 1
    assert "use one of: archived, none, production, staging." in result.stderr
    assert stage_of(2) is None


def test_version_update_renames_describes_and_tags(cli_json, models):
    updated = cli_json(
        "model", "version", "update", "classifier", "2",
        "--name", "candidate", "--description", "the f1 run",
        "--tag", "best", "--tag", "reviewed", "--remove-tag", "cv",
    )  # fmt: skip
    assert (updated["name"], updated["number"]) == ("candidate", 2)
    assert updated["description"] == "the f1 run"
    assert updated["tags"] == ["best", "reviewed"]
    assert [t.name for t in Client().get_model_version("classifier", "candidate").tags] == [
        "best",
        "reviewed",
    ]


def test_version_update_to_a_numeric_name_exits_1_saying_why(cli, models):
    result = cli("model", "version", "update", "classifier", "2", "--name", "9")
    assert result.exit_code == 1
    assert "numbers and stage names look up existing versions" in result.stderr


def test_quiet_update_prints_only_the_result(cli, models):
    Client().update_model_version("classifier", 1, stage="staging")
    result = cli("-q", "model", "version", "update", "classifier", "2", "-s", "staging", "-f")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Updated version 2 of model 'classifier' (stage: staging).\n"
    assert result.stderr == ""


# -- version delete ------------------------------------------------------------------------------
def test_version_delete_asks_first_and_deletes_on_yes(cli_json, models):
    declined = run_on_a_terminal(models, "n\n", "model", "version", "delete", "classifier", "2")
    assert declined.returncode == 1
    assert "Delete version 2 of model 'classifier'?" in declined.stderr
    accepted = run_on_a_terminal(models, "y\n", "model", "version", "delete", "classifier", "2")
    assert accepted.returncode == 0, accepted.stderr
    assert "Deleted version 2 of model 'classifier'." in accepted.stdout
    rows = cli_json("model", "version", "list", "classifier")
    assert [row["number"] for row in rows] == [1, 3]


def test_version_delete_by_stage_with_yes_prints_json(cli_json, models):
    Client().update_model_version("classifier", 3, stage="staging")
    deleted = cli_json("model", "version", "delete", "classifier", "staging", "--yes")
    assert (deleted["deleted"], deleted["number"]) == ("model_version", 3)
    assert cli_json("model", "describe", "classifier")["latest_version"] == "2"


def test_version_delete_of_an_unknown_model_exits_1(cli, models):
    result = cli("model", "version", "delete", "nothing", "1", "-y")
    assert result.exit_code == 1
    assert "No model with name or id 'nothing' exists." in result.stderr


# -- the command as a user runs it ---------------------------------------------------------------
def test_the_stepwell_command_prints_json_a_script_can_read(models):
    done = stepwell(
        "model", "version", "list", "classifier", "--compare", "-o", "json", home=models
    )
    assert done.returncode == 0, done.stderr
    assert [row["key"] for row in json.loads(done.stdout)["rows"]] == ["accuracy", "f1", "rows"]
