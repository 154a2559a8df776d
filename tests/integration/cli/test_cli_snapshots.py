"""`stepwell snapshot list|describe|trigger|delete` over snapshots made in Python."""

import pytest
from cli_helpers import table_rows

from stepwell.client import Client
from stepwell.enums import ExecutionStatus

MODULE = """
    from stepwell import pipeline, step

    @step
    def multiply(value: int = 2, factor: int = 10) -> int:
        print(f"multiplying {value} by {factor}")
        return value * factor

    @pipeline
    def multiplying(factor: int = 10):
        multiply(factor=factor)
"""


@pytest.fixture
def snapshot_module(user_module):
    """A user module on disk (the snapshots' source root) with one pipeline."""
    return user_module(MODULE, "cli_snapshot_pipelines")


@pytest.fixture
def snapshot(snapshot_module):
    return snapshot_module.multiplying.create_snapshot(name="nightly", description="every night")


def test_snapshot_list_shows_named_snapshots(cli, cli_json, snapshot):
    rows = table_rows(cli("snapshot", "list").stdout)
    assert [row[:2] for row in rows] == [["nightly", "multiplying"]]
    (row,) = cli_json("snapshot", "list", "--pipeline", "multiplying")
    assert row["id"] == str(snapshot.id)
    assert row["description"] == "every night"


def test_snapshot_list_of_an_unknown_pipeline_exits_1(cli, snapshot):
    result = cli("snapshot", "list", "--pipeline", "nope")
    assert result.exit_code == 1
    assert "nope" in result.stderr


def test_snapshot_describe_json_has_steps_and_parameters(cli_json, snapshot):
    described = cli_json("snapshot", "describe", "nightly")
    assert described["name"] == "nightly"
    assert described["pipeline"] == "multiplying"
    assert described["steps"] == ["multiply"]
    assert described["parameters"] == {"factor": 10}


def test_snapshot_describe_of_an_unknown_snapshot_exits_1(cli):
    result = cli("snapshot", "describe", "weekly")
    assert result.exit_code == 1
    assert "stepwell snapshot list" in result.stderr


def test_snapshot_trigger_wait_runs_it_with_config_and_params(cli, snapshot, tmp_path):
    config = tmp_path / "trigger.yaml"
    config.write_text("run_name: triggered_run\n")
    result = cli(
        "snapshot", "trigger", "nightly", "--config", str(config), "-p", "factor=4", "--wait"
    )
    assert result.exit_code == 0, result.output
    run = Client().get_pipeline_run("triggered_run")
    assert run.status is ExecutionStatus.COMPLETED
    assert run.steps["multiply"].output.load() == 8
    assert [row[:2] for row in table_rows(result.stdout)] == [["multiply", "completed"]]


def test_snapshot_trigger_without_wait_returns_the_run(cli, snapshot):
    result = cli("snapshot", "trigger", "nightly")
    assert result.exit_code == 0, result.output
    (run,) = Client().list_pipeline_runs(pipeline_name="multiplying")
    assert f"Started run '{run.name}'" in result.stdout
    assert Client().wait_for_pipeline_run(run.id, timeout=60).status is ExecutionStatus.COMPLETED


def test_snapshot_trigger_refuses_a_param_also_set_in_the_config(cli, snapshot, tmp_path):
    config = tmp_path / "trigger.yaml"
    config.write_text("parameters:\n  factor: 3\n")
    result = cli("snapshot", "trigger", "nightly", "-c", str(config), "-p", "factor=4")
    assert result.exit_code == 1
    assert "--param factor=" in result.stderr and "conflicts with `parameters.factor:" in (
        result.stderr
    )
    assert Client().list_pipeline_runs() == []


def test_snapshot_trigger_with_an_unknown_parameter_exits_1(cli, snapshot):
    result = cli("snapshot", "trigger", "nightly", "-p", "speed=2")
    assert result.exit_code == 1
    assert "takes no parameter 'speed'" in result.stderr
    assert Client().list_pipeline_runs() == []


def test_snapshot_delete_removes_it_and_a_second_delete_exits_1(cli, cli_json, snapshot):
    result = cli("snapshot", "delete", "nightly", "--yes")
    assert result.exit_code == 0, result.output
    assert cli_json("snapshot", "list") == []
    assert cli("snapshot", "delete", "nightly", "--yes").exit_code == 1


@pytest.mark.parametrize("wait", [True, False])
def test_snapshot_trigger_quiet_prints_only_the_run_and_its_status(cli, snapshot, wait):
    result = cli("snapshot", "trigger", "nightly", "-q", *(["--wait"] if wait else []))
    assert result.exit_code == 0, result.output
    (run,) = Client().list_pipeline_runs(pipeline_name="multiplying")
    name, status = result.stdout.split()
    assert name == run.name
    # Without --wait: its status when the command returned (it may have moved on since).
    assert status == "completed" if wait else status in {s.value for s in ExecutionStatus}
    assert "Follow it with" not in result.stderr
    assert Client().wait_for_pipeline_run(run.id, timeout=60).status is ExecutionStatus.COMPLETED
