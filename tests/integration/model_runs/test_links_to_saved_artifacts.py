"""A step that saves an artifact and links it to a model version in the same step.

`save_artifact` inside a step returns a version that is recorded with the step's outputs;
its id is chosen when it is saved, so what the step logs about it (a model link) is written
in the same transaction as the outputs. A write that can no longer be recorded fails the
step and records nothing of it, instead of dropping what the step logged in silence.
"""

from __future__ import annotations

import pytest

from stepwell import Model, link_artifact_to_model, log_metadata, pipeline, save_artifact, step
from stepwell.client import Client
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import PipelineRunFailedError


@step(enable_cache=False)
def save_and_link() -> None:
    log_metadata(metadata={"rows": 3})
    new = save_artifact(data="Hello", name="manual_artifact")
    log_metadata(metadata={"saved_id": str(new.id)})  # steps run in other processes
    link_artifact_to_model(artifact_version=new, model=Model(name="greeter", version="v1"))


@pipeline
def linking():
    save_and_link()


def _linked_names(model: str, version: str) -> list[str]:
    client = Client()
    found = client.get_model_version(model, version)
    links = client.list_model_version_artifact_links(model_version_id=found.id)
    return sorted(client.get_artifact_version(link.artifact_version_id).name for link in links)


def test_an_artifact_saved_in_a_step_links_to_a_model_version_in_that_step():
    linking()
    run = Client().get_pipeline("linking").last_run
    step_run = run.steps["save_and_link"]
    assert step_run.status is ExecutionStatus.COMPLETED
    assert _linked_names("greeter", "v1") == ["manual_artifact"]
    assert step_run.run_metadata["rows"] == 3  # the step's other writes are kept too
    recorded = Client().get_artifact_version("manual_artifact")
    assert step_run.run_metadata["saved_id"] == str(recorded.id)


@step(enable_cache=False)
def link_to_own_model() -> None:
    new = save_artifact(data=5, name="own_model_artifact")
    log_metadata(metadata={"saved_id": str(new.id)})  # steps run in other processes
    link_artifact_to_model(new)


@pipeline(model=Model(name="own"))
def own_model():
    link_to_own_model()


def test_the_id_of_a_version_saved_in_a_step_is_the_id_it_is_recorded_with():
    own_model()
    step_run = Client().get_pipeline("own_model").last_run.steps["link_to_own_model"]
    recorded = Client().get_artifact_version("own_model_artifact")
    assert step_run.run_metadata["saved_id"] == str(recorded.id)
    assert _linked_names("own", "1") == ["own_model_artifact"]


@step(enable_cache=False)
def link_then_target_goes() -> None:
    log_metadata(metadata={"rows": 4})
    new = save_artifact(data="Hello", name="orphan_artifact")
    link_artifact_to_model(new, model=Model(name="short_lived", version="v1"))
    # The target is deleted after the step checked it: the link can no longer be written.
    client = Client()
    client.delete_model_version(client.get_model_version("short_lived", "v1").id)


@pipeline
def losing_target():
    link_then_target_goes()


def test_a_write_whose_target_went_fails_the_step_and_records_none_of_its_outputs():
    with pytest.raises(PipelineRunFailedError):
        losing_target()
    step_run = Client().get_pipeline("losing_target").last_run.steps["link_then_target_goes"]
    assert step_run.status is ExecutionStatus.FAILED
    assert "DeferredWriteError" in (step_run.status_message or "")
    assert "short_lived" in (step_run.status_message or "") or "model version" in (
        step_run.status_message or ""
    )
    assert not step_run.outputs
    assert Client().list_artifact_versions(name="orphan_artifact").total == 0
    # What did not point at the lost target is still recorded with the failed step.
    assert step_run.run_metadata["rows"] == 4


@step(enable_cache=False)
def link_then_fail() -> None:
    log_metadata(metadata={"rows": 5})
    new = save_artifact(data="Hello", name="never_recorded")
    link_artifact_to_model(new, model=Model(name="kept_model", version="v1"))
    raise RuntimeError("the step fails after linking")


@pipeline
def failing_after_link():
    link_then_fail()


def test_a_failed_step_keeps_its_metadata_and_drops_links_to_versions_never_recorded():
    with pytest.raises(PipelineRunFailedError):
        failing_after_link()
    step_run = Client().get_pipeline("failing_after_link").last_run.steps["link_then_fail"]
    assert step_run.status is ExecutionStatus.FAILED
    assert step_run.run_metadata["rows"] == 5
    assert _linked_names("kept_model", "v1") == []
