"""Fixtures for the CLI tests: invoke `stepwell` in-process against the per-test store."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from cli_helpers import target
from typer.testing import CliRunner, Result

from stepwell.cli.app import app


@pytest.fixture
def cli() -> Callable[..., Result]:
    """`cli("pipeline", "runs", "list")` runs the command and returns its result."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def cli_json(cli) -> Callable[..., Any]:
    """Run a command with `-o json`, check it succeeded, return the parsed output."""

    def invoke(*args: str) -> Any:
        result = cli(*args, "--output", "json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    return invoke


@pytest.fixture
def finished_run(cli) -> str:
    """The name of a completed run of `arithmetic` (value=4, factor=0.5), made via the CLI."""
    result = cli("run", target("arithmetic"), "--param", "value=4", "--param", "factor=0.5")
    assert result.exit_code == 0, result.output
    from stepwell.client import Client

    (run,) = Client().list_pipeline_runs(pipeline_name="arithmetic")
    return run.name
