"""How the per-type component groups read a name and configuration from their arguments:
ZenML's `--key=value`, also `--key value`, and stepwell's `key=value`."""

import pytest

from stepwell.cli.component_groups import group_name, split_arguments
from stepwell.cli.errors import CliError
from stepwell.enums import StackComponentType


def test_zenml_and_stepwell_forms_give_the_same_assignments():
    tokens = ["s3_store", "--path=s3://bucket/x", "--region", "eu-west-1", "timeout=5"]
    assert split_arguments(tokens, "artifact-store") == (
        "s3_store",
        ["path=s3://bucket/x", "region=eu-west-1", "timeout=5"],
    )


def test_dashes_in_option_names_stand_for_underscores():
    name, assignments = split_arguments(["o", "--max-parallelism=2", "reuse-processes=no"], "x")
    assert assignments == ["max_parallelism=2", "reuse_processes=no"]


def test_a_value_keeps_its_own_equals_signs():
    _, assignments = split_arguments(["--url=https://h.invalid/x?a=b"], "alerter")
    assert assignments == ["url=https://h.invalid/x?a=b"]


def test_the_name_is_the_first_plain_token_wherever_it_stands():
    assert split_arguments(["--path=/data", "files"], "artifact-store") == (
        "files",
        ["path=/data"],
    )


def test_no_plain_token_means_no_name():
    assert split_arguments(["--max-parallelism", "3"], "orchestrator") == (
        None,
        ["max_parallelism=3"],
    )


@pytest.mark.parametrize("tokens", [["o", "--path"], ["o", "--path", "--region=x"]])
def test_an_option_without_a_value_says_how_to_give_one(tokens):
    with pytest.raises(CliError, match=r"--path needs a value; write --path=VALUE"):
        split_arguments(tokens, "artifact-store")


def test_a_short_option_that_is_not_the_commands_is_refused_naming_it():
    with pytest.raises(CliError, match=r"No such option: -l;.*--KEY=VALUE or KEY=VALUE"):
        split_arguments(["o", "-l", "team=ml"], "orchestrator")


def test_a_second_plain_token_is_refused():
    with pytest.raises(CliError, match=r"Unexpected argument 'extra' after the name 'o'"):
        split_arguments(["o", "extra"], "orchestrator")


def test_an_option_name_that_cannot_be_a_field_is_refused():
    with pytest.raises(CliError, match=r"--9lives is not a configuration field name"):
        split_arguments(["o", "--9lives=1"], "orchestrator")


def test_group_names_are_zenml_s():
    assert [group_name(kind) for kind in StackComponentType] == [
        "orchestrator",
        "artifact-store",
        "alerter",
    ]
