"""`pipeline runs list --pipeline NAME` finds the runs of a step called outside a pipeline:
they carry the step's name as their pipeline name but have no pipeline record."""

from __future__ import annotations

import json

import pytest

from stepwell import step


@step
def halve(value: int) -> float:
    return value / 2


@pytest.fixture
def single_step_run(stepwell_home) -> None:
    assert halve(8) == 4.0


@pytest.mark.parametrize("option", ["--pipeline", "--pipeline_name", "-p"])
def test_runs_list_filters_on_the_pipeline_name_of_a_single_step_run(
    cli, single_step_run, finished_run, option
):
    result = cli("pipeline", "runs", "list", option, "halve", "--output", "json")

    assert result.exit_code == 0, result.output
    assert [run["pipeline"] for run in json.loads(result.stdout)] == ["halve"]


def test_a_name_no_pipeline_and_no_run_has_is_still_an_error_with_its_hint(cli, single_step_run):
    result = cli("pipeline", "runs", "list", "--pipeline", "nosuch")

    assert result.exit_code == 1
    assert "No pipeline with name or id 'nosuch' exists" in result.stderr
    assert "See `stepwell pipeline list`" in result.stderr


def test_a_pipeline_record_still_wins_by_id_prefix(cli, finished_run):
    from stepwell.client import Client

    pipeline_id = str(Client().get_pipeline("arithmetic").id)

    result = cli("pipeline", "runs", "list", "-p", pipeline_id[:8], "--output", "json")

    assert result.exit_code == 0, result.output
    assert [run["name"] for run in json.loads(result.stdout)] == [finished_run]
