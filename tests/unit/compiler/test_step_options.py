"""`pipeline.with_options(steps={...})` sets step options per invocation, as ZenML's does."""

import pytest

from stepwell import pipeline, step
from stepwell.exceptions import ConfigurationError


@step
def train(rate: float = 0.1) -> float:
    return rate


@pipeline
def training():
    train()
    train(id="again")


def test_step_options_apply_to_the_named_invocation_only():
    configured = training.with_options(
        steps={"again": {"enable_cache": False, "parameters": {"rate": 0.5}}}
    )
    spec, _ = configured.compile()
    assert spec.by_id["again"].config.enable_cache is False
    assert spec.by_id["again"].config.parameters == {"rate": 0.5}
    assert spec.by_id["train"].config.enable_cache is None
    assert training.run_configuration is None  # the original is untouched


def test_step_configurations_is_the_older_name_and_wins_over_steps(stepwell_logs):
    configured = training.with_options(
        steps={"train": {"enable_cache": True}},
        step_configurations={"train": {"enable_cache": False}},
    )
    spec, _ = configured.compile()
    assert spec.by_id["train"].config.enable_cache is False
    assert "ignoring `steps=`" in stepwell_logs.text


def test_step_options_win_over_the_config_file(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("steps:\n  train:\n    enable_cache: true\n")
    configured = training.with_options(
        config_path=str(path), steps={"train": {"enable_cache": False}}
    )
    spec, _ = configured.compile()
    assert spec.by_id["train"].config.enable_cache is False


def test_an_unknown_key_or_invocation_fails_naming_it():
    with pytest.raises(ConfigurationError, match="steps.train.enable_cach: unknown key"):
        training.with_options(steps={"train": {"enable_cach": False}})
    with pytest.raises(ConfigurationError, match="steps.trian: pipeline 'training' has no step"):
        training.with_options(steps={"trian": {"enable_cache": False}}).compile()


def test_unlisted_is_accepted_and_logged_as_deprecated(stepwell_logs):
    configured = training.with_options(unlisted=True)
    spec, _ = configured.compile()
    assert len(spec.invocations) == 2
    assert "`unlisted` option of pipeline 'training' is deprecated" in stepwell_logs.text
