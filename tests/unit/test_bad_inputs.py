"""Bad input found by trying the API: each fails before anything runs, naming the culprit."""

import re
from datetime import datetime, timezone
from typing import Annotated

import pytest

from stepwell import pipeline, step
from stepwell.config.run_name import format_run_name
from stepwell.exceptions import (
    ConfigurationError,
    EnvironmentConfigError,
    MaterializerError,
    PipelineDefinitionError,
    RunNameError,
    StepDefinitionError,
)
from stepwell.materializers.base_materializer import BaseMaterializer

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=timezone.utc)


@step
def one() -> int:
    return 1


@step
def take(value: int) -> int:
    return value


@pipeline
def wired():
    take(one())


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("nightly_{date", "not a valid template"),
        ("nightly_}", "not a valid template"),
        ("run_{date!r}", "placeholder {date!r} is not allowed"),
        ("run_{date:>3000000000}", "placeholder {date:>3000000000} is not allowed"),
        ("run_{0}", "placeholder {0} is not allowed"),
        ("team/run", "contains '/'"),
        ("my run", "contains ' '"),
        ("tab\there", "contains '\\t'"),
    ],
)
def test_bad_run_name_templates_are_clear_errors(template, problem):
    with pytest.raises(RunNameError, match=re.escape(problem)):
        format_run_name(template, "p", NOW)
    with pytest.raises(RunNameError):
        wired.with_options(run_name=template)


def test_a_substitution_cannot_smuggle_a_slash_or_an_overlong_name():
    with pytest.raises(RunNameError, match="contains '/'"):
        format_run_name("run_{who}", "p", NOW, {"who": "../x"})
    with pytest.raises(RunNameError, match="at most 255"):
        format_run_name("run_{who}", "p", NOW, {"who": "x" * 300})


def test_run_name_and_execution_mode_of_the_wrong_type_are_stepwell_errors():
    with pytest.raises(RunNameError, match="must be a string, not int"):
        wired.with_options(run_name=123)
    with pytest.raises(ConfigurationError, match="execution_mode: unknown execution mode None"):
        wired.with_options(execution_mode=None)
    with pytest.raises(ConfigurationError, match=r"pipeline 'wired': enable_cache: .*got 'maybe'"):
        wired.with_options(enable_cache="maybe")


@pytest.mark.parametrize("bad_id", ["a/b", "two words", "../../x/pwned", "..", "", "x" * 256])
def test_invalid_invocation_ids_fail_when_the_pipeline_compiles(bad_id):
    @pipeline
    def with_bad_id():
        one(id=bad_id)

    with pytest.raises(PipelineDefinitionError, match="is not a valid invocation id"):
        with_bad_id.compile()


def test_mapped_and_dotted_ids_stay_valid():
    @pipeline
    def fine():
        one(id="load.v2:0")

    spec, _ = fine.compile()
    assert [inv.id for inv in spec.invocations] == ["load.v2:0"]


def test_an_invalid_step_name_fails_at_decoration():
    with pytest.raises(StepDefinitionError, match="Step name 'bad name'"):
        step(name="bad name")(lambda: 1)
    with pytest.raises(StepDefinitionError, match="contains '/'"):
        one.with_options(name="a/b")


def test_a_materializer_must_be_a_materializer_class():
    with pytest.raises(MaterializerError, match="must be BaseMaterializer subclasses"):

        @step(output_materializers=int)
        def numbers() -> int:
            return 1


def test_a_materializer_must_handle_the_annotated_output_type():
    class TextOnly(BaseMaterializer):
        ASSOCIATED_TYPES = (str,)
        SKIP_REGISTRATION = True  # else every later test's str outputs would use it

        def save(self, data):  # pragma: no cover - never runs
            pass

        def load(self, data_type):  # pragma: no cover - never runs
            return ""

    with pytest.raises(MaterializerError, match="handles str, not the output's type 'int'"):

        @step(output_materializers=TextOnly)
        def number() -> int:
            return 1

    @step(output_materializers={"text": TextOnly})
    def text() -> Annotated[str, "text"]:
        return "fine"


def test_load_on_an_output_while_compiling_says_to_use_a_dynamic_pipeline():
    @pipeline
    def loads():
        one().load()

    with pytest.raises(StepDefinitionError, match=r"dynamic=True"):
        loads.compile()


@pytest.mark.parametrize("value", ["", "   "])
def test_an_empty_environment_variable_counts_as_unset(value, monkeypatch):
    from stepwell.config import environment

    for name in ("STEPWELL_LOGGING_VERBOSITY", "STEPWELL_DEBUG", "STEPWELL_HEARTBEAT_INTERVAL"):
        monkeypatch.setenv(name, value)
    assert environment.logging_verbosity() == "INFO"
    assert environment.debug_mode() is False
    assert environment.heartbeat_interval() == 5.0


def test_invalid_environment_variables_list_the_valid_values(monkeypatch):
    from stepwell.config import environment

    monkeypatch.setenv("STEPWELL_LOGGING_VERBOSITY", "bogus")
    with pytest.raises(EnvironmentConfigError, match="DEBUG, INFO, WARNING, ERROR, CRITICAL"):
        environment.logging_verbosity()
    monkeypatch.setenv("STEPWELL_DEBUG", "perhaps")
    with pytest.raises(EnvironmentConfigError, match=r"STEPWELL_DEBUG='perhaps'.*1, on, t"):
        environment.debug_mode()


@pytest.mark.parametrize(
    ("word", "expected"), [("Y", True), ("on", True), ("f", False), ("No", False)]
)
def test_environment_booleans_follow_the_configuration_files_rule(word, expected, monkeypatch):
    from pydantic import TypeAdapter

    from stepwell.config import environment

    monkeypatch.setenv("STEPWELL_DEBUG", word)
    assert environment.debug_mode() is expected
    assert TypeAdapter(bool).validate_python(word) is expected


def test_an_output_annotation_with_something_else_than_a_name_is_refused():
    from stepwell.exceptions import OutputAnnotationError

    with pytest.raises(OutputAnnotationError, match=r"carries 5; an output's Annotated"):

        @step
        def counted() -> Annotated[int, 5]:
            return 1


def test_a_wrong_pipeline_parameter_is_blamed_on_the_pipeline_parameter():
    from stepwell.exceptions import ParameterTypeError

    @pipeline
    def divides(divisor: int = 2):
        take(divisor)

    with pytest.raises(ParameterTypeError, match="Parameter 'divisor' of pipeline 'divides'"):
        divides.compile(divisor="abc")
    spec, _ = divides.compile(divisor="42")  # lax coercion, as for step parameters
    assert spec.invocations[0].config.parameters["value"] == 42
