"""ZenML's run-configuration key names work in stepwell's YAML files: hook sources and an
output's materializer source, with a clear error where they clash with stepwell's names."""

import pytest

from stepwell.config.yaml_loader import load_run_configuration
from stepwell.exceptions import ConfigurationError


def load(tmp_path, text):
    path = tmp_path / "run.yaml"
    path.write_text(text)
    return load_run_configuration(path)


def test_hook_sources_and_output_materializer_sources_take_zenmls_names(tmp_path):
    config = load(
        tmp_path,
        """
failure_hook_source: hooks.alert
success_hook_source: hooks.celebrate
steps:
  train:
    failure_hook_source: hooks.step_alert
    outputs:
      model:
        materializer_source: materializers.ModelMaterializer
""",
    )
    assert (config.on_failure, config.on_success) == ("hooks.alert", "hooks.celebrate")
    step = config.steps["train"]
    assert step.on_failure == "hooks.step_alert"
    assert step.output_materializers == {"model": "materializers.ModelMaterializer"}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("on_failure: a.b\nfailure_hook_source: a.c\n", "either failure_hook_source or on_failure"),
        (
            "steps:\n  s:\n    outputs:\n      o:\n        default_materializer_source: a.B\n",
            "only materializer_source can be set here",
        ),
        (
            "steps:\n  s:\n    output_materializers: {o: a.B}\n"
            "    outputs:\n      o:\n        materializer_source: a.C\n",
            "conflicts with output_materializers.o",
        ),
    ],
)
def test_clashing_or_unsupported_zenml_keys_are_clear_errors(tmp_path, text, problem):
    with pytest.raises(ConfigurationError, match=problem):
        load(tmp_path, text)
