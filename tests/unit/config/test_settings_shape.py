"""The shape of `settings={...}`, checked where settings are defined (no stack needed)."""

import pytest
from pydantic import BaseModel

from stepwell.config.resource_settings import ResourceSettings
from stepwell.config.run_config import PipelineRunConfiguration
from stepwell.config.settings import InvalidSettings, check_settings
from stepwell.config.yaml_loader import parse_run_configuration
from stepwell.exceptions import ConfigurationError


@pytest.mark.parametrize(
    "key",
    [
        "resources",
        "docker",
        "orchestrator",
        "orchestrator.local",
        "orchestrator.my-stack",
        "alerter",
    ],
)
def test_known_sections_are_accepted(key):
    assert check_settings({key: {}}) == {key: {}}


@pytest.mark.parametrize(
    "key", ["retry_count", "resourcez", "orchestrators", "orchestrator.", "dockr"]
)
def test_an_unknown_section_names_the_key_and_the_known_ones(key):
    with pytest.raises(
        InvalidSettings, match="unknown settings section.*resources.*docker.*orchestrator"
    ):
        check_settings({key: {}})


def test_a_section_that_is_not_a_mapping_is_a_clear_error():
    with pytest.raises(
        InvalidSettings, match="must be a mapping of setting names.*not list"
    ) as raised:
        check_settings({"orchestrator": ["x"]})
    assert raised.value.key == "orchestrator"


def test_settings_that_are_not_a_mapping_are_refused():
    with pytest.raises(InvalidSettings, match="must be a mapping of sections.*not str"):
        check_settings("orchestrator")


def test_resources_are_checked_and_kept_as_plain_data():
    checked = check_settings({"resources": ResourceSettings(cpu_count=2, memory="1GB")})
    assert checked == {"resources": {"cpu_count": 2.0, "memory": "1GB"}}


@pytest.mark.parametrize(
    ("resources", "key", "problem"),
    [
        ({"cpu_count": [[1]]}, "resources.cpu_count", "valid number"),
        ({"memory": {"a": 1}}, "resources.memory", "valid string"),
        ({"cpu_count": float("inf")}, "resources.cpu_count", "finite"),
        ({"cpus": 2}, "resources.cpus", "unknown setting.*known: cpu_count, gpu_count, memory"),
    ],
)
def test_a_bad_resource_setting_names_its_key(resources, key, problem):
    with pytest.raises(InvalidSettings, match=problem) as raised:
        check_settings({"resources": resources})
    assert raised.value.key == key


def test_a_settings_object_is_kept_as_the_fields_it_was_given():
    class Mine(BaseModel):
        max_parallelism: int = 8
        reuse_processes: bool = True

    assert check_settings({"orchestrator": Mine(max_parallelism=2)}) == {
        "orchestrator": {"max_parallelism": 2}
    }


def test_a_run_configuration_error_names_the_file_and_the_full_key_path():
    data = {"steps": {"train": {"settings": {"resources": {"cpu_count": "many"}}}}}
    with pytest.raises(
        ConfigurationError, match=r"^run\.yaml: steps\.train\.settings\.resources\.cpu_count: "
    ):
        parse_run_configuration(data, source="run.yaml")


def test_a_run_configuration_built_directly_is_checked_too():
    with pytest.raises(ValueError, match="unknown settings section"):
        PipelineRunConfiguration(settings={"resourcez": {}})
