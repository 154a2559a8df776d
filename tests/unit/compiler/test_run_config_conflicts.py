"""A run configuration never silently replaces a parameter the pipeline passes in code."""

import re

import pytest

from stepwell import pipeline, step
from stepwell.exceptions import ConfigurationError


@step
def produce() -> float:
    return 1.0


@step
def trainer(lr: float = 0.01, epochs: int = 1) -> float:
    return lr * epochs


@step
def scorer(data: float, weights: tuple = ()) -> float:
    return data


@pipeline
def training(lr: float = 0.2):
    trainer(lr=lr)


@pipeline
def literal():
    trainer(lr=0.2)


@pipeline
def with_custom_id():
    trainer(lr=0.2, id="fine_tune")


@pipeline
def with_artifact():
    scorer(produce(), weights=(1, 2))


def write(tmp_path, text):
    path = tmp_path / "run.yaml"
    path.write_text(text)
    return str(path)


def test_a_step_parameter_passed_in_code_and_set_otherwise_in_yaml_is_a_conflict(tmp_path):
    path = write(tmp_path, "steps:\n  trainer:\n    parameters: {lr: 0.1}\n")
    message = (
        f"{path}: steps.trainer.parameters.lr: 0.1 here, but the pipeline passes 0.2 to step "
        "'trainer' in code; set it in one place only (remove it from the file, or stop "
        "passing it)."
    )
    with pytest.raises(ConfigurationError, match=re.escape(message)):
        literal.with_options(config_path=path).compile()


def test_the_conflict_names_the_invocation_and_its_step(tmp_path):
    path = write(tmp_path, "steps:\n  fine_tune:\n    parameters: {lr: 0.1}\n")
    with pytest.raises(
        ConfigurationError, match=r"passes 0\.2 to step 'fine_tune' \(step 'trainer'\) in code"
    ):
        with_custom_id.with_options(config_path=path).compile()


def test_a_pipeline_parameter_handed_on_to_a_step_counts_as_passed_in_code(tmp_path):
    path = write(tmp_path, "steps:\n  trainer:\n    parameters: {lr: 0.1}\n")
    with pytest.raises(ConfigurationError, match=r"lr: 0\.1 here, but the pipeline passes 0\.2"):
        training.with_options(config_path=path).compile()


def test_an_equal_value_in_yaml_is_not_a_conflict(tmp_path):
    path = write(tmp_path, "steps:\n  trainer:\n    parameters: {lr: 0.2}\n")
    spec, _ = literal.with_options(config_path=path).compile()
    assert spec.by_id["trainer"].config.parameters == {"lr": 0.2, "epochs": 1}


def test_a_yaml_list_equals_a_tuple_passed_in_code(tmp_path):
    path = write(tmp_path, "steps:\n  scorer:\n    parameters: {weights: [1, 2]}\n")
    spec, _ = with_artifact.with_options(config_path=path).compile()
    assert spec.by_id["scorer"].config.parameters == {"weights": [1, 2]}  # stored as JSON


def test_yaml_still_sets_a_step_parameter_the_code_does_not_pass(tmp_path):
    path = write(tmp_path, "steps:\n  trainer:\n    parameters: {epochs: 5}\n")
    spec, _ = literal.with_options(config_path=path).compile()
    assert spec.by_id["trainer"].config.parameters == {"lr": 0.2, "epochs": 5}


def test_yaml_for_an_input_the_code_passes_an_artifact_to_is_a_conflict(tmp_path):
    path = write(tmp_path, "steps:\n  scorer:\n    parameters: {data: 3.0}\n")
    with pytest.raises(
        ConfigurationError,
        match=r"steps\.scorer\.parameters\.data: 3\.0 here, but the pipeline passes output "
        r"'output' of 'produce' to step 'scorer' in code",
    ):
        with_artifact.with_options(config_path=path).compile()


def test_a_trigger_style_run_configuration_follows_the_same_rule():
    triggered = literal.with_options(
        run_configuration={"steps": {"trainer": {"parameters": {"lr": 0.5}}}}
    )
    with pytest.raises(ConfigurationError, match=r"run configuration: steps\.trainer"):
        triggered.compile()


def test_a_pipeline_call_argument_set_otherwise_in_yaml_is_a_conflict(tmp_path):
    path = write(tmp_path, "parameters: {lr: 0.1}\n")
    message = (
        f"{path}: parameters.lr: 0.1 here, but pipeline 'training' is called with lr=0.3 in "
        "code; set it in one place only (remove it from the file, or stop passing it)."
    )
    with pytest.raises(ConfigurationError, match=re.escape(message)):
        training.with_options(config_path=path).compile(lr=0.3)


def test_an_equal_pipeline_parameter_in_yaml_is_not_a_conflict(tmp_path):
    path = write(tmp_path, "parameters: {lr: 0.3}\n")
    spec, config = training.with_options(config_path=path).compile(0.3)
    assert config.parameters == {"lr": 0.3}
    assert spec.by_id["trainer"].config.parameters["lr"] == 0.3


def test_yaml_still_sets_a_pipeline_parameter_the_call_leaves_at_its_default(tmp_path):
    path = write(tmp_path, "parameters: {lr: 0.1}\n")
    spec, config = training.with_options(config_path=path).compile()
    assert config.parameters == {"lr": 0.1}
    assert spec.by_id["trainer"].config.parameters["lr"] == 0.1


def test_yaml_outranks_parameters_configured_with_options(tmp_path):
    path = write(tmp_path, "parameters: {lr: 0.1}\n")
    configured = training.with_options(parameters={"lr": 0.7}, config_path=path)
    assert configured.compile()[1].parameters == {"lr": 0.1}


def test_an_unedited_template_keeps_the_values_the_code_passes(tmp_path):
    path = tmp_path / "template.yaml"
    training.write_run_configuration_template(str(path))
    spec, config = training.with_options(config_path=str(path)).compile(lr=0.3)
    assert config.parameters == {"lr": 0.3}
    assert spec.by_id["trainer"].config.parameters == {"lr": 0.3, "epochs": 1}
