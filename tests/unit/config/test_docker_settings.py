"""`DockerSettings` and the `docker` settings section: ZenML's fields, checked where the
settings are written, kept as the plain data that was given."""

from types import SimpleNamespace

import pytest
from pydantic import ValidationError

from stepwell.config import DockerSettings, PythonEnvironmentExportMethod, PythonPackageInstaller
from stepwell.config.run_config import PipelineRunConfiguration
from stepwell.config.settings import InvalidSettings, check_settings
from stepwell.config.yaml_loader import load_run_configuration
from stepwell.exceptions import ConfigurationError
from stepwell.runs.docker_notice import docker_settings_notice


def test_zenmls_common_fields_are_accepted_with_their_types():
    settings = DockerSettings(
        parent_image="python:3.11-slim",
        requirements=["pandas>=2", "scikit-learn"],
        required_integrations=["sklearn"],
        apt_packages=["git"],
        environment={"MODE": "train", "WORKERS": 4},
        dockerfile="docker/Dockerfile",
        build_context_root=".",
        python_package_installer="pip",
        replicate_local_python_environment="pip_freeze",
        install_stack_requirements=False,
    )
    assert settings.python_package_installer is PythonPackageInstaller.PIP
    assert settings.replicate_local_python_environment is PythonEnvironmentExportMethod.PIP_FREEZE
    assert DockerSettings(requirements="requirements.txt").requirements == "requirements.txt"
    assert DockerSettings(
        replicate_local_python_environment=True
    ).replicate_local_python_environment
    assert DockerSettings().python_package_installer is PythonPackageInstaller.UV  # ZenML's


def test_a_docker_section_is_kept_as_the_json_data_that_was_set():
    checked = check_settings(
        {"docker": DockerSettings(parent_image="python:3.11", python_package_installer="pip")}
    )
    assert checked == {"docker": {"parent_image": "python:3.11", "python_package_installer": "pip"}}
    assert check_settings({"docker": {"apt_packages": ["git"]}}) == {
        "docker": {"apt_packages": ["git"]}
    }


def test_a_misspelt_field_names_the_closest_and_lists_the_known_ones():
    with pytest.raises(InvalidSettings) as raised:
        check_settings({"docker": {"parent_imag": "python:3.11"}})
    assert raised.value.key == "docker"
    assert "unknown docker setting 'parent_imag'; did you mean 'parent_image'?" in str(raised.value)
    assert "apt_packages" in str(raised.value)
    assert "requirements" in str(raised.value)


def test_the_constructor_refuses_a_misspelt_field_the_same_way():
    with pytest.raises(ValidationError, match="did you mean 'apt_packages'"):
        DockerSettings(apt_package=["git"])


@pytest.mark.parametrize(
    ("data", "key", "problem"),
    [
        ({"requirements": 3}, "docker.requirements", "requirements file or a list of packages"),
        ({"requirements": ["pandas", 2]}, "docker.requirements", "list of packages"),
        ({"apt_packages": "git"}, "docker.apt_packages", "valid list"),
        ({"python_package_installer": "conda"}, "docker.python_package_installer", "'pip'"),
        (
            {"replicate_local_python_environment": "conda_export"},
            "docker.replicate_local_python_environment",
            "'pip_freeze'",
        ),
        ({"skip_build": True}, "docker", "needs a parent_image"),
    ],
)
def test_a_bad_value_names_its_key(data, key, problem):
    with pytest.raises(InvalidSettings, match=problem) as raised:
        check_settings({"docker": data})
    assert raised.value.key == key


def test_a_yaml_run_configuration_takes_docker_settings_per_pipeline_and_step(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text(
        "settings:\n  docker:\n    parent_image: python:3.11\n"
        "steps:\n  train:\n    settings:\n      docker:\n        requirements: [torch]\n"
    )
    parsed = load_run_configuration(path)
    assert isinstance(parsed, PipelineRunConfiguration)
    assert parsed.settings == {"docker": {"parent_image": "python:3.11"}}
    assert parsed.steps["train"].settings == {"docker": {"requirements": ["torch"]}}


def test_a_misspelt_yaml_docker_setting_names_the_file_and_key(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("settings:\n  docker:\n    requirement: [torch]\n")
    with pytest.raises(ConfigurationError, match=r"run\.yaml.*settings\.docker.*'requirements'"):
        load_run_configuration(path)


def _invocation(step_id: str, settings: dict) -> SimpleNamespace:
    return SimpleNamespace(id=step_id, config=SimpleNamespace(settings=settings))


def test_the_notice_names_where_docker_settings_were_given():
    steps = [_invocation("load", {"docker": {}}), _invocation("train", {})]
    notice = docker_settings_notice({"docker": {"parent_image": "x"}}, steps, "local")
    assert notice is not None
    assert "the pipeline and step 'load'" in notice
    assert "'local' orchestrator" in notice


def test_no_docker_settings_no_notice():
    assert docker_settings_notice({"resources": {}}, [_invocation("load", {})], "local") is None
