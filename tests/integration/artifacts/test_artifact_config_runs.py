"""`ArtifactConfig` and dynamic output names in real runs: names, versions, tags, metadata."""

import os
from datetime import timezone
from typing import Annotated

import pytest

from stepwell import ArtifactConfig, pipeline, step
from stepwell.client import Client
from stepwell.enums import ArtifactType, ExecutionStatus
from stepwell.exceptions import PipelineDefinitionError, PipelineRunFailedError


@step(enable_cache=False)
def train() -> Annotated[
    str,
    ArtifactConfig(
        name="model_{date}_{env}",
        version="v1",
        tags=["candidate"],
        run_metadata={"accuracy": 0.9},
        is_model_artifact=True,
    ),
]:
    return "weights"


@step(enable_cache=False)
def score() -> Annotated[float, "score_{time}"]:
    return 0.5


@step(enable_cache=False)
def evaluate(model: str) -> str:
    return model.upper()


@pipeline(substitutions={"env": "prod"})
def config_pipeline():
    evaluate(train())
    score()


@pipeline
def missing_substitution_pipeline():
    train()


def test_artifact_config_names_versions_tags_and_describes_the_output():
    run = config_pipeline()
    assert run.status is ExecutionStatus.COMPLETED
    stored = Client().get_pipeline_run(run.name)
    (model,) = stored.steps["train"].outputs["model_{date}_{env}"]
    start = stored.start_time.astimezone(timezone.utc)
    assert model.name == f"model_{start.strftime('%Y_%m_%d')}_prod"
    assert model.version == "v1"
    assert model.type is ArtifactType.MODEL
    assert [tag.name for tag in model.tags] == ["candidate"]
    assert model.run_metadata["accuracy"] == 0.9
    assert stored.steps["evaluate"].output.load() == "WEIGHTS"


def test_time_placeholders_come_from_the_run_start_like_the_run_name():
    run = config_pipeline.with_options(run_name="r_{date}_{time}")()
    (score_version,) = Client().get_pipeline_run(run.name).steps["score"].outputs["score_{time}"]
    assert score_version.name == "score_" + run.name.split("_", 4)[-1]


def test_a_duplicate_custom_version_fails_the_step_and_keeps_no_bytes():
    first = config_pipeline()
    (model,) = Client().get_pipeline_run(first.name).steps["train"].outputs["model_{date}_{env}"]
    with pytest.raises(PipelineRunFailedError):
        config_pipeline()
    failed = Client().list_pipeline_runs(pipeline_name="config_pipeline", size=1).items[0]
    step_run = failed.steps["train"]
    assert step_run.status is ExecutionStatus.FAILED
    assert "already has a version 'v1'" in (step_run.status_message or "")
    assert [v.version for v in Client().list_artifact_versions(name=model.name).items] == ["v1"]
    store_root = os.path.dirname(model.uri)
    written = [entry for entry in os.listdir(store_root) if entry.startswith("train-")]
    assert written == [os.path.basename(model.uri)]  # the failed attempt's bytes are gone


def test_a_placeholder_without_a_substitution_fails_before_running():
    with pytest.raises(PipelineDefinitionError, match=r"\['env'\] have no value"):
        missing_substitution_pipeline()
    assert Client().list_pipeline_runs(pipeline_name="missing_substitution_pipeline").total == 0
