"""What an empty list of runs (and of model versions) says: that the filters match nothing,
that the page is past the last one, or, for an empty store, how to make the first run."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--status", "failed"), "No runs match the filters."),
        (("--pipeline", "arithmetic", "--status", "failed"), "No runs match the filters."),
        (("--page", "99"), "Page 99 is past the last page (1)."),
        (("--status", "completed", "--page", "99"), "Page 99 is past the last page (1)."),
        (("--status", "failed", "--page", "99"), "No runs match the filters."),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else None,
)
def test_runs_list_says_why_it_is_empty(cli, finished_run, args, expected):
    result = cli("pipeline", "runs", "list", *args)

    assert result.exit_code == 0, result.output
    assert result.stderr == f"{expected}\n"


@pytest.mark.parametrize("args", [(), ("--page", "3")], ids=["first page", "--page 3"])
def test_runs_list_of_an_empty_store_says_how_to_make_a_run(cli, args):
    result = cli("pipeline", "runs", "list", *args)

    assert result.exit_code == 0
    assert result.stderr.startswith("No runs yet; run a pipeline with `stepwell run")


def test_model_version_list_with_no_match_says_so(cli):
    from stepwell.client import Client

    Client().create_model("line")

    filtered = cli("model", "version", "list", "line", "--stage", "production")
    everything = cli("model", "version", "list")

    assert filtered.stderr == "No model versions match the filters.\n"
    assert everything.stderr.startswith("No model versions yet; run a pipeline with")


def test_model_version_compare_with_nothing_to_compare_says_why(cli):
    from stepwell.client import Client

    Client().create_model("line")

    filtered = cli("model", "version", "list", "line", "--stage", "production", "--compare")
    everything = cli("model", "version", "list", "--compare")

    assert filtered.exit_code == everything.exit_code == 0
    assert filtered.stderr == "No model versions match the filters.\n"
    assert everything.stderr.startswith("No model versions yet; run a pipeline with")
