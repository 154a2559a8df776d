"""Every settings key is checked: in code, in YAML and in triggers, before anything runs.

Shape, section names and `resources` fail where the settings are written; which keys an
orchestrator section may hold depends on the active stack's flavor, and fails when the run
starts, before any run is recorded.
"""

from pathlib import Path

import pytest

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.exceptions import ConfigurationError
from stepwell.stack.orchestrator_settings import LocalOrchestratorSettings


@step(enable_cache=False)
def produce() -> int:
    return 7


@pipeline
def settled():
    produce()


def _run_count() -> int:
    return int(Client().list_pipeline_runs(size=1).total)


def test_an_unknown_section_fails_when_the_step_is_defined():
    with pytest.raises(ConfigurationError, match=r"step 'typo': settings\.resourcez: unknown"):

        @step(settings={"resourcez": {"cpu_count": 1}})
        def typo() -> None:
            pass


def test_a_section_given_as_a_list_fails_when_the_pipeline_is_configured():
    with pytest.raises(
        ConfigurationError, match=r"pipeline 'settled': settings\.orchestrator: must be a mapping"
    ):
        settled.with_options(settings={"orchestrator": ["x"]})


def test_an_unknown_orchestrator_setting_in_code_fails_before_a_run_is_recorded():
    configured = settled.with_options(settings={"orchestrator": {"retry_count": 3}})
    with pytest.raises(
        ConfigurationError,
        match=r"pipeline 'settled': settings\.orchestrator\.retry_count: unknown setting.*"
        r"max_parallelism.*'local' orchestrator flavor",
    ):
        configured()
    assert _run_count() == 0


def test_a_wrong_type_in_a_step_level_yaml_setting_names_the_file(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text(
        "steps:\n  produce:\n    settings:\n      orchestrator:\n        debug: 'yes'\n"
    )
    with pytest.raises(
        ConfigurationError,
        match=rf"{path}: steps\.produce\.settings\.orchestrator\.debug: input should be a valid "
        "boolean",
    ):
        settled.with_options(config_path=str(path))()
    assert _run_count() == 0


def test_the_stack_name_key_is_checked_against_the_stack_orchestrator(tmp_path):
    stack = Client().active_stack.name
    path = tmp_path / "run.yaml"
    path.write_text(f"settings:\n  orchestrator.{stack}:\n    max_parallelism: '2'\n")
    with pytest.raises(ConfigurationError, match=rf"settings\.orchestrator\.{stack}\."):
        settled.with_options(config_path=str(path))()


def test_settings_of_another_known_flavor_are_checked_even_though_they_are_ignored():
    with pytest.raises(
        ConfigurationError, match=r"orchestrator\.inline\.max_parallelism: unknown setting"
    ):
        settled.with_options(settings={"orchestrator.inline": {"max_parallelism": 2}})()
    assert _run_count() == 0


def test_valid_settings_of_another_flavor_still_only_warn(stepwell_logs):
    run = settled.with_options(settings={"orchestrator.inline": {"debug": True}})()
    assert run.status.value == "completed"
    assert "Ignoring settings 'orchestrator.inline'" in stepwell_logs.text


def test_a_settings_object_for_the_local_orchestrator_runs():
    settings = {"orchestrator": LocalOrchestratorSettings(max_parallelism=1, reuse_processes=False)}
    run = settled.with_options(settings=settings)()
    assert run.status.value == "completed"
    assert run.steps["produce"].output.load() == 7


MODULE = """
    from stepwell import pipeline, step

    @step
    def one() -> int:
        return 1

    @pipeline
    def triggered():
        one()
"""


def test_a_trigger_with_a_bad_setting_fails_before_starting_a_run(user_module):
    module = user_module(MODULE, "settings_trigger")
    assert Path(module.__file__).exists()
    module.triggered.create_snapshot(name="v1")
    configuration = {"settings": {"orchestrator": {"max_parallelism": 0}}}
    with pytest.raises(
        ConfigurationError,
        match=r"^run_configuration: settings\.orchestrator\.max_parallelism: input should be "
        "greater than or equal to 1",
    ):
        Client().trigger_pipeline(snapshot_name_or_id="v1", run_configuration=configuration)
    with pytest.raises(ConfigurationError, match=r"run_configuration: settings\.resourcez"):
        Client().trigger_pipeline(
            snapshot_name_or_id="v1", run_configuration={"settings": {"resourcez": {}}}
        )
    assert _run_count() == 0
