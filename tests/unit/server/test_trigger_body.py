"""A trigger's run configuration may come as JSON data or as YAML text (the dashboard's
editor); the text is parsed on the server with the limits every YAML configuration has."""

import pytest

from stepwell.exceptions import ConfigurationError
from stepwell.server.trigger_routes import TriggerBody


def test_yaml_text_is_parsed_into_the_configuration():
    body = TriggerBody(run_configuration_yaml="# a comment\nparameters:\n  rows: 11\n")
    assert body.configuration() == {"parameters": {"rows": 11}}


def test_json_text_is_yaml_too():
    body = TriggerBody(run_configuration_yaml='{"parameters": {"rows": 5}}')
    assert body.configuration() == {"parameters": {"rows": 5}}


def test_an_empty_text_is_no_configuration():
    assert TriggerBody(run_configuration_yaml="# nothing\n").configuration() is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("parameters: [1\n", "not valid YAML (line"),
        ("- a list\n", "must be a mapping of keys, not list"),
        ("parameters: {}\nparameters: {}\n", "given twice"),
    ],
)
def test_bad_yaml_text_is_refused_naming_the_problem(text, problem):
    with pytest.raises(ConfigurationError, match=problem.replace("(", r"\(")):
        TriggerBody(run_configuration_yaml=text).configuration()


def test_both_forms_at_once_are_refused():
    body = TriggerBody(run_configuration={"parameters": {}}, run_configuration_yaml="{}")
    with pytest.raises(ConfigurationError, match="not both"):
        body.configuration()
