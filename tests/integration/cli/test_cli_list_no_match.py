"""An empty list says "No <things> match the filters." when filters matched nothing, "Page N
is past the last page (M)." for a page after the last, and keeps its how-to-make-the-first-one
hint for a store that really has none."""

from __future__ import annotations

import pytest

from stepwell.client import Client


@pytest.fixture
def a_model(stepwell_home) -> None:
    Client().create_model("line", tags=["prod"])


@pytest.mark.parametrize(
    ("narrowing", "expected"),
    [
        (("--tag", "nosuch"), "No models match the filters."),
        (("--name", "nosuch"), "No models match the filters."),
        (("--page", "5"), "Page 5 is past the last page (1)."),
    ],
    ids=lambda value: value[0] if isinstance(value, tuple) else None,
)
def test_model_list_with_no_match_says_so_not_that_there_are_no_models(
    cli, a_model, narrowing, expected
):
    result = cli("model", "list", *narrowing)

    assert result.exit_code == 0, result.output
    assert result.stderr == f"{expected}\n"


def test_model_list_of_an_empty_store_says_how_to_make_one(cli, stepwell_home):
    result = cli("model", "list")

    assert result.exit_code == 0
    assert "No models yet; run a pipeline with" in result.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("pipeline", "list", "--name", "nosuch"), "No pipelines match the filters."),
        (("pipeline", "list", "--page", "3"), "Page 3 is past the last page (1)."),
        (("artifact", "list", "--page", "3"), "Page 3 is past the last page (1)."),
        (("snapshot", "list", "--pipeline", "arithmetic"), "No snapshots match the filters."),
        (("secret", "list", "--name", "nosuch"), "No secrets match the filters."),
        (("schedule", "list", "--paused"), "No schedules match the filters."),
        (("user", "list", "--role", "viewer"), "No users match the filters."),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else None,
)
def test_other_lists_with_no_match_say_so(cli, finished_run, args, expected):
    result = cli(*args)

    assert result.exit_code == 0, result.output
    assert result.stderr == f"{expected}\n"


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (("pipeline", "list"), "No pipelines yet"),
        (("secret", "list"), "No secrets yet"),
        (("schedule", "list"), "No schedules yet"),
        (("service-account", "list"), "No service accounts; make one"),
        (("service-account", "list", "--page", "2"), "No service accounts; make one"),
        (("pipeline", "list", "--page", "2"), "No pipelines yet"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else None,
)
def test_other_lists_of_an_empty_store_keep_their_hint(cli, stepwell_home, args, hint):
    result = cli(*args)

    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(hint)
