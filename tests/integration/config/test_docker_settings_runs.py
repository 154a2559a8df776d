"""A ZenML script's `DockerSettings` run unchanged: accepted on pipelines and steps by every
orchestrator, stored with the run's configuration, and announced once per run (at INFO) as
recorded but not used, since stepwell builds no image."""

import logging
from types import SimpleNamespace

import pytest

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.config import DockerSettings
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import ConfigurationError
from stepwell.runs.stack_settings import check_settings_on_stack

NOTICE = "Docker settings of"

docker_settings = DockerSettings(
    parent_image="python:3.11-slim",
    requirements=["pandas"],
    apt_packages=["git"],
    environment={"MODE": "train"},
    python_package_installer="pip",
)


@step(enable_cache=False, settings={"docker": {"requirements": "requirements.txt"}})
def load() -> int:
    return 3


@step(enable_cache=False, settings={"docker": DockerSettings(apt_packages=["curl"])})
def train(rows: int) -> int:
    return rows * 2


@step(enable_cache=False)
def report(value: int) -> None:
    print(value)


@pipeline(settings={"docker": docker_settings})
def ported():
    report(train(load()))


@step(enable_cache=False)
def load_plainly() -> int:
    return 3


@pipeline
def plain():
    report(load_plainly())


@pytest.fixture(params=["local", "inline"])
def orchestrator(request, monkeypatch):
    """Forked workers, and (STEPWELL_DEBUG) steps run in this process."""
    if request.param == "inline":
        monkeypatch.setenv("STEPWELL_DEBUG", "True")
    return request.param


def test_a_run_with_docker_settings_completes_and_stores_them(orchestrator):
    run = ported()
    assert run.status is ExecutionStatus.COMPLETED
    stored = Client().get_pipeline_run(run.id)
    assert stored.config.settings["docker"] == {
        "parent_image": "python:3.11-slim",
        "python_package_installer": "pip",
        "requirements": ["pandas"],
        "apt_packages": ["git"],
        "environment": {"MODE": "train"},
    }
    assert stored.steps["load"].config.settings["docker"] == {"requirements": "requirements.txt"}
    assert stored.steps["train"].config.settings["docker"] == {"apt_packages": ["curl"]}


def test_one_info_line_per_run_says_they_are_not_used(orchestrator, stepwell_logs):
    stepwell_logs.set_level(logging.INFO, logger="stepwell")
    ported()
    notices = [r for r in stepwell_logs.records if r.getMessage().startswith(NOTICE)]
    assert len(notices) == 1
    assert notices[0].levelno == logging.INFO
    assert "the pipeline and steps 'load', 'train'" in notices[0].getMessage()
    assert not [r for r in stepwell_logs.records if "docker" in r.getMessage().lower()][1:]


def test_a_run_without_docker_settings_says_nothing_about_them(stepwell_logs):
    stepwell_logs.set_level(logging.INFO, logger="stepwell")
    plain()
    assert NOTICE not in stepwell_logs.text


def test_a_misspelt_docker_setting_fails_when_the_pipeline_is_configured():
    with pytest.raises(
        ConfigurationError,
        match=r"pipeline 'ported': settings\.docker: unknown docker setting 'requirement'; "
        r"did you mean 'requirements'\?",
    ):
        ported.with_options(settings={"docker": {"requirement": ["pandas"]}})


def test_docker_settings_from_a_yaml_file_are_stored_with_the_run(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("settings:\n  docker:\n    parent_image: python:3.12\n")
    run = ported.with_options(config_path=str(path))()
    assert run.config.settings["docker"]["parent_image"] == "python:3.12"


def test_stack_settings_checks_leave_the_docker_section_to_its_own_model():
    # The stack check handles component sections only; `docker` names no component type,
    # so every orchestrator's preflight (local, inline, ray) accepts it.
    stack = SimpleNamespace(name="any", components={})
    check_settings_on_stack({"docker": {"parent_image": "python:3.11"}}, "pipeline 'p'", stack)
