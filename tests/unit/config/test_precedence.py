"""Configuration precedence: decorator < configure/with_options < YAML < trigger."""

import pytest

from stepwell import pipeline, step
from stepwell.config.pipeline_config import PipelineConfig
from stepwell.config.precedence import apply_to_pipeline, apply_to_step, merge_run_configurations
from stepwell.config.run_config import PipelineRunConfiguration, StepRunConfiguration
from stepwell.config.step_config import StepConfig
from stepwell.enums import ExecutionMode


def test_later_run_configurations_win_and_dicts_merge():
    yaml_layer = PipelineRunConfiguration(
        enable_cache=False,
        settings={"orchestrator": {"max_parallelism": 2}},
        steps={"train": StepRunConfiguration(parameters={"lr": 0.1, "epochs": 3})},
    )
    trigger = PipelineRunConfiguration(
        enable_cache=True, steps={"train": StepRunConfiguration(parameters={"lr": 0.5})}
    )
    merged = merge_run_configurations(yaml_layer, trigger)
    assert merged.enable_cache is True
    assert merged.steps["train"].parameters == {"lr": 0.5, "epochs": 3}
    assert merged.settings == {"orchestrator": {"max_parallelism": 2}}


def test_a_falsy_value_that_was_set_still_counts():
    base = PipelineConfig(name="p", enable_cache=True)
    assert (
        apply_to_pipeline(base, PipelineRunConfiguration(enable_cache=False)).enable_cache is False
    )
    assert apply_to_pipeline(base, PipelineRunConfiguration()).enable_cache is True


def test_step_layer_overrides_only_what_it_sets():
    config = StepConfig(name="s", enable_cache=True, environment={"A": "1"})
    result = apply_to_step(config, StepRunConfiguration(environment={"B": "2"}))
    assert result.enable_cache is True
    assert result.environment == {"A": "1", "B": "2"}


@step
def train(lr: float = 0.01) -> float:
    return lr


@pipeline(enable_cache=True, execution_mode="fail_fast")
def layered(epochs: int = 1):
    train()


def write(tmp_path, text):
    path = tmp_path / "config.yaml"
    path.write_text(text)
    return str(path)


def test_every_layer_in_order(tmp_path):
    spec, config = layered.compile()
    assert config.execution_mode is ExecutionMode.FAIL_FAST and config.enable_cache is True
    assert spec.by_id["train"].config.parameters == {"lr": 0.01}

    configured = layered.with_options(execution_mode="stop_on_failure", enable_cache=False)
    spec, config = configured.compile()
    assert config.execution_mode is ExecutionMode.STOP_ON_FAILURE and config.enable_cache is False

    path = write(
        tmp_path,
        "execution_mode: continue_on_failure\nparameters: {epochs: 5}\n"
        "steps:\n  train:\n    parameters: {lr: 0.2}\n",
    )
    from_yaml = configured.with_options(config_path=path)
    spec, config = from_yaml.compile()
    assert config.execution_mode is ExecutionMode.CONTINUE_ON_FAILURE
    assert config.enable_cache is False  # YAML did not set it: the code's value stays
    assert config.parameters == {"epochs": 5}
    assert spec.by_id["train"].config.parameters == {"lr": 0.2}

    triggered = from_yaml.with_options(
        run_configuration={"steps": {"train": {"parameters": {"lr": 0.9}}}, "enable_cache": True}
    )
    spec, config = triggered.compile()
    assert spec.by_id["train"].config.parameters == {"lr": 0.9}
    assert config.enable_cache is True
    assert config.parameters == {"epochs": 5}
    # with_options made copies: the original pipeline is untouched.
    assert layered.compile()[1].execution_mode is ExecutionMode.FAIL_FAST


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("enable_cache: [unclosed\n", r"config.yaml: not valid YAML \(line"),
        ("enable_cach: true\n", r"config.yaml: enable_cach: unknown key"),
        ("enable_cache: maybe\n", r"config.yaml: enable_cache: input should be a valid boolean"),
        ("execution_mode: sometimes\n", r"config.yaml: execution_mode: input should be"),
        (
            "steps:\n  trainer:\n    parameters: {lr: 0.1}\n",
            r"config.yaml: steps.trainer: pipeline 'layered' has no step invocation 'trainer'.*\['train'\]",
        ),
        (
            "steps:\n  train:\n    parameters: {lr: abc}\n",
            r"config.yaml: steps.train.parameters.lr: input should be a valid number",
        ),
        (
            "steps:\n  train:\n    parameters: {momentum: 1}\n",
            r"config.yaml: steps.train.parameters.momentum: step 'train' takes no parameter 'momentum'",
        ),
        (
            "parameters: {depth: 3}\n",
            r"config.yaml: parameters.depth: pipeline 'layered' takes no parameter 'depth'",
        ),
        (
            "steps:\n  train:\n    retry: {max_retries: 2, delay: -1}\n",
            r"config.yaml: steps.train.retry.delay: .*must be 0 or more",
        ),
        ("- just\n- a list\n", r"config.yaml: a run configuration must be a mapping"),
    ],
)
def test_bad_yaml_fails_before_running_naming_file_and_key(tmp_path, text, message):
    from stepwell.exceptions import ConfigurationError

    path = write(tmp_path, text)
    with pytest.raises(ConfigurationError, match=message):
        layered.with_options(config_path=path).compile()


def test_template_lists_parameters_and_steps_commented_out_and_loads_back(tmp_path):
    import yaml

    path = tmp_path / "template.yaml"
    layered.write_run_configuration_template(str(path))
    text = path.read_text()
    assert "\n# steps:" in text
    assert "#   train:\n#     parameters:\n#       lr: 0.01\n#     enable_cache:" in text
    assert "# parameters:\n#   epochs: 1" in text
    assert "# execution_mode: fail_fast" in text
    assert yaml.safe_load(text) is None  # unedited, it sets nothing
    spec, config = layered.with_options(config_path=str(path)).compile(epochs=3)
    assert spec.by_id["train"].config.parameters == {"lr": 0.01}
    assert config.parameters == {"epochs": 3}


def test_uncommenting_template_lines_gives_a_working_run_configuration(tmp_path):
    import yaml

    path = tmp_path / "template.yaml"
    layered.write_run_configuration_template(str(path))
    wanted = ("# steps:", "#   train:", "#     parameters:", "#       lr:", "#     enable_cache:")
    lines = [
        line[2:] if line.startswith(wanted) else line
        for line in path.read_text().replace("true | false", "false").splitlines()
    ]
    path.write_text("\n".join(lines).replace("lr: 0.01", "lr: 0.5"))
    assert yaml.safe_load(path.read_text()) == {
        "steps": {"train": {"parameters": {"lr": 0.5}, "enable_cache": False}}
    }
    spec, _ = layered.with_options(config_path=str(path)).compile()
    assert spec.by_id["train"].config.parameters == {"lr": 0.5}
    assert spec.by_id["train"].config.enable_cache is False


def test_yaml_switches_caching_and_stores_the_schedule(tmp_path):
    path = write(
        tmp_path,
        "enable_cache: false\nschedule: {cron_expression: '0 * * * *'}\n"
        "steps:\n  train:\n    enable_cache: true\n"
        "    cache_policy: {include_step_parameters: false}\n",
    )
    spec, config = layered.with_options(config_path=path).compile()
    assert config.enable_cache is False
    assert config.schedule.cron_expression == "0 * * * *"
    train_config = spec.by_id["train"].config
    assert train_config.enable_cache is True  # the step's own setting wins
    assert train_config.cache_policy.include_step_parameters is False
