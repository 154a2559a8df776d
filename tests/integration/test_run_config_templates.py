"""Run configuration files against what the code passes: an unedited template changes
nothing, and a file that sets a passed parameter to another value stops the run."""

import pytest

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import ConfigurationError


@step
def make_number(value: int = 1) -> int:
    return value


@step
def scale(number: int, factor: float = 1.0, offset: int = 0) -> float:
    return number * factor + offset


@pipeline(enable_cache=False)
def scaled(value: int = 3, factor: float = 1.0):
    scale(make_number(value), factor=factor, offset=10)


@pipeline(dynamic=True, enable_cache=False)
def scaled_dynamically(value: int = 3):
    number = make_number(value)
    scale(number, factor=2.0)


def test_an_unedited_template_runs_with_the_values_the_code_passes(tmp_path):
    path = tmp_path / "template.yaml"
    scaled.write_run_configuration_template(str(path))
    run = scaled.with_options(config_path=str(path))(value=4, factor=0.5)
    assert run.status is ExecutionStatus.COMPLETED
    assert run.parameters == {"value": 4, "factor": 0.5}
    assert run.steps["make_number"].config.parameters == {"value": 4}
    assert run.steps["scale"].config.parameters == {"factor": 0.5, "offset": 10}
    assert run.steps["scale"].output.load() == 12.0


def test_a_yaml_value_for_a_passed_step_parameter_stops_the_run_before_it_starts(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("steps:\n  scale:\n    parameters: {offset: 5}\n")
    with pytest.raises(
        ConfigurationError,
        match=r"steps\.scale\.parameters\.offset: 5 here, but the pipeline "
        r"passes 10 to step 'scale' in code",
    ):
        scaled.with_options(config_path=str(path))()
    assert Client().list_pipeline_runs() == []


def test_a_dynamic_run_refuses_a_yaml_value_for_a_passed_step_parameter(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("steps:\n  scale:\n    parameters: {factor: 3.0}\n")
    with pytest.raises(
        ConfigurationError,
        match=r"run.yaml: steps\.scale\.parameters\.factor: 3\.0 here, but the pipeline passes "
        r"2\.0 to step 'scale' in code",
    ):
        scaled_dynamically.with_options(config_path=str(path))()
    (run,) = Client().list_pipeline_runs(pipeline_name="scaled_dynamically")
    assert run.status is ExecutionStatus.FAILED
    assert "scale" not in run.steps


def test_a_dynamic_run_refuses_a_yaml_value_for_a_passed_pipeline_parameter(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("parameters: {value: 7}\n")
    with pytest.raises(ConfigurationError, match=r"parameters\.value: 7 here.*value=5 in code"):
        scaled_dynamically.with_options(config_path=str(path))(value=5)
    assert Client().list_pipeline_runs() == []


def test_a_dynamic_run_takes_yaml_values_the_code_does_not_pass(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("parameters: {value: 7}\nsteps:\n  scale:\n    parameters: {offset: 1}\n")
    run = scaled_dynamically.with_options(config_path=str(path))()
    assert run.status is ExecutionStatus.COMPLETED
    assert run.parameters == {"value": 7}
    assert run.steps["scale"].config.parameters == {"factor": 2.0, "offset": 1}
    assert run.steps["scale"].output.load() == 15.0


def test_the_template_leaves_out_step_parameters_the_pipeline_passes_in_code(tmp_path):
    from stepwell import pipeline, step

    @step
    def divide(a: int, b: int = 2, rounding: int = 0) -> float:
        return round(a / b, rounding)

    @pipeline
    def divides(divisor: int = 2):
        divide(7, divisor)

    path = tmp_path / "run.yaml"
    divides.write_run_configuration_template(str(path))
    text = path.read_text()
    assert "#     # passed by the pipeline in code: a, b" in text
    assert "#       rounding: 0" in text
    assert "#       b:" not in text and "#       a:" not in text
    # What the template offers can be set: the step's own parameter, and the pipeline's.
    path.write_text(
        "parameters:\n  divisor: 7\nsteps:\n  divide:\n    parameters:\n      rounding: 1\n"
    )
    run = divides.with_options(config_path=str(path))()
    assert run.steps["divide"].output.load() == 1.0
