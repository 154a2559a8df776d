"""A re-run step's explanation says what changed and how, from the Python API and the CLI.

Each test runs a real pipeline twice, changing a parameter or what an upstream step
produces, then reads why each step re-ran through `Client.explain_cache` and
`stepwell pipeline runs explain`.
"""

from __future__ import annotations

import json

from typer.testing import CliRunner

from stepwell import pipeline, step
from stepwell.cli.app import app
from stepwell.client import Client
from stepwell.enums import ExecutionStatus

CACHED, COMPLETED = ExecutionStatus.CACHED, ExecutionStatus.COMPLETED


@step
def load(rows: int = 3) -> list[int]:
    return list(range(rows))


@step
def train(
    data: list[int], learning_rate: float = 0.1, api_token: str = "", note: str = ""
) -> float:
    return sum(data) * learning_rate


@pipeline
def explained(
    rows: int = 3, learning_rate: float = 0.1, api_token: str = "tok-first", note: str = "short"
):
    train(load(rows=rows), learning_rate=learning_rate, api_token=api_token, note=note)


def explain_json(run_name: str) -> dict[str, dict]:
    """`stepwell pipeline runs explain RUN -o json`, by step."""
    result = CliRunner().invoke(
        app, ["pipeline", "runs", "explain", run_name, "-o", "json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return {row["step"]: row for row in json.loads(result.stdout)}


def explain_table_why(run_name: str, step_name: str) -> str:
    """The WHY cell of one step in the CLI's table, its wrapped lines joined again."""
    result = CliRunner().invoke(
        app, ["pipeline", "runs", "explain", run_name, "--step", step_name], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    cells = [line.split("|")[3].strip() for line in result.stdout.splitlines()[3:-1]]
    return " ".join(cell for cell in cells if cell)


def test_a_changed_parameter_is_explained_with_old_and_new_values():
    explained(learning_rate=0.1)
    second = explained(learning_rate=0.01)
    assert second.steps["load"].status is CACHED
    assert second.steps["train"].status is COMPLETED

    verdict = Client().explain_cache(second.steps["train"])
    assert verdict.details == ["parameter 'learning_rate': 0.1 -> 0.01"]
    assert verdict.reason == "Its cache key changed: parameter 'learning_rate': 0.1 -> 0.01."

    rows = explain_json(second.name)
    assert rows["train"]["why"] == verdict.reason
    assert rows["train"]["details"] == ["parameter 'learning_rate': 0.1 -> 0.01"]
    assert rows["train"]["changed"] == ["parameter:learning_rate"]
    assert explain_table_why(second.name, "train") == verdict.reason


def test_a_changed_upstream_output_is_explained_by_artifact_versions():
    first = explained(rows=3)
    second = explained(rows=4)
    artifact = first.steps["load"].output.name
    assert second.steps["load"].output.name == artifact

    client = Client()
    assert client.explain_cache(second.steps["load"]).details == ["parameter 'rows': 3 -> 4"]
    expected = f"input 'data': artifact '{artifact}' version 1 -> version 2"
    assert client.explain_cache(second.steps["train"]).details == [expected]
    assert client.explain_cache_miss(first.steps["train"], second.steps["train"]) == [expected]

    rows = explain_json(second.name)
    assert rows["load"]["details"] == ["parameter 'rows': 3 -> 4"]
    assert rows["train"]["details"] == [expected]
    assert rows["train"]["why"] == f"Its cache key changed: {expected}."
    assert explain_table_why(second.name, "train") == f"Its cache key changed: {expected}."


def test_a_changed_secret_parameter_is_named_but_its_values_are_not_printed():
    explained(api_token="tok-first")
    second = explained(api_token="tok-second")

    verdict = Client().explain_cache(second.steps["train"])
    assert verdict.details == ["parameter 'api_token': changed (a secret: values not shown)"]
    result = CliRunner().invoke(
        app, ["pipeline", "runs", "explain", second.name, "-o", "json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "api_token" in result.stdout
    assert "tok-first" not in result.stdout and "tok-second" not in result.stdout


def test_a_long_parameter_value_is_shortened():
    explained(note="short")
    second = explained(note="x" * 500)

    (line,) = Client().explain_cache(second.steps["train"]).details
    before, after = line.removeprefix("parameter 'note': ").split(" -> ")
    assert before == "'short'"
    assert after == "'" + "x" * 56 + "..."  # 60 characters of the repr
    assert "x" * 100 not in json.dumps(explain_json(second.name))
