"""Promotion inside steps, and pipelines that consume "the production model" lazily.

The inference pipeline is compiled once; which artifact its step reads is decided when the
step runs (the version holding `production` then), and its cache key follows that artifact.
"""

from __future__ import annotations

from typing import Annotated

import pytest
import yaml

from stepwell import (
    ArtifactConfig,
    Model,
    get_pipeline_context,
    get_step_context,
    link_artifact_to_model,
    log_metadata,
    pipeline,
    save_artifact,
    step,
)
from stepwell.client import Client
from stepwell.enums import ExecutionStatus, ModelStages
from stepwell.exceptions import (
    ModelArtifactNotFoundError,
    ModelStageError,
    PipelineRunFailedError,
)

MODEL = "scorer"


@step(enable_cache=False)
def fit(weight: int) -> Annotated[int, ArtifactConfig(name="weights", is_model_artifact=True)]:
    log_metadata({"weight": weight}, infer_model=True)
    return weight


@step(enable_cache=False)
def promote(force: bool = True) -> None:
    get_step_context().model.set_stage(ModelStages.PRODUCTION, force=force)


@pipeline(model=Model(name=MODEL))
def training(weight: int, force: bool = True):
    fit(weight)
    promote(force, after="fit")


@step
def predict(weights: int) -> Annotated[int, "prediction"]:
    return weights * 2


@pipeline(model=Model(name=MODEL, version="production"))
def inference():
    predict(get_pipeline_context().model.get_artifact("weights"))


def _production() -> int:
    return Client().get_model_version(MODEL, ModelStages.PRODUCTION).number


def test_promotion_in_a_step_archives_the_previous_holder():
    training(weight=1)
    assert _production() == 1
    training(weight=2)
    versions = {v.number: v.stage for v in Client().list_model_versions(MODEL)}
    assert versions == {1: "archived", 2: "production"}


def test_promotion_without_force_fails_the_step_and_changes_nothing():
    training(weight=1)
    with pytest.raises(PipelineRunFailedError):
        training(weight=2, force=False)
    run = Client().get_pipeline(training.name).last_run
    step_run = run.steps["promote"]
    assert step_run.status is ExecutionStatus.FAILED
    assert ModelStageError.__name__ in (step_run.exception or "")
    assert "force=True" in (step_run.exception or "")
    assert {v.number: v.stage for v in Client().list_model_versions(MODEL)} == {
        1: "production",
        2: None,
    }


def test_the_inference_step_reads_whichever_version_is_in_production_when_it_runs():
    training(weight=1)
    first = Client().get_pipeline_run(inference().id)
    assert first.steps["predict"].output.load() == 2
    assert first.steps["predict"].inputs["weights"][0].id == (
        Client().get_model_version(MODEL, 1).get_artifact("weights").id
    )
    training(weight=5)  # version 2 takes production
    second = Client().get_pipeline_run(inference().id)
    assert second.steps["predict"].status is ExecutionStatus.COMPLETED  # new input: no cache
    assert second.steps["predict"].output.load() == 10
    assert second.model_version.number == 2
    third = Client().get_pipeline_run(inference().id)
    assert third.steps["predict"].status is ExecutionStatus.CACHED  # same input again


def test_a_model_artifact_the_version_lacks_fails_its_step_naming_what_exists():
    training(weight=1)

    @pipeline(model=Model(name=MODEL, version="production"))
    def wrong_name():
        predict(get_pipeline_context().model.get_artifact("weightz"))

    with pytest.raises(ModelArtifactNotFoundError, match="its artifacts are: weights"):
        wrong_name()
    run = Client().get_pipeline(wrong_name.name).last_run
    assert run.status is ExecutionStatus.FAILED
    assert "has no artifact 'weightz'" in (run.status_message or "")
    assert "predict" not in run.steps  # it never started


@step
def extra_artifact() -> None:
    saved = save_artifact(7, name="side_output")
    link_artifact_to_model(saved)


@pipeline(model=Model(name=MODEL))
def links_by_hand():
    extra_artifact()


def test_link_artifact_to_model_inside_a_step_uses_the_step_s_model():
    links_by_hand()
    version = Client().get_model_version(MODEL, 1)
    assert version.get_artifact("side_output").load() == 7


def test_a_yaml_model_key_sets_the_run_s_model(tmp_path):
    config = tmp_path / "run.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "model": {
                    "name": "from_yaml",
                    "version": "v{date}",
                    "license": "Apache 2.0",
                    "description": "set in YAML",
                    "tags": ["yaml"],
                },
                "parameters": {"weight": 3, "force": True},
            }
        )
    )
    run = training.with_options(config_path=str(config))()
    version = Client().get_pipeline_run(run.id).model_version
    assert version.model_name == "from_yaml" and version.name.startswith("v2")
    model = Client().get_model("from_yaml")
    assert (model.license, model.description) == ("Apache 2.0", "set in YAML")
    assert version.stage == "production"
    assert version.run_metadata["weight"] == 3


def test_metadata_logged_on_a_model_version_from_outside_a_run():
    training(weight=1)
    log_metadata({"reviewed": True}, model_name=MODEL, model_version="production")
    Model(name=MODEL, version=1).log_metadata({"owner": "ml-team"})
    assert Client().get_model_version(MODEL, 1).run_metadata == {
        "weight": 1,
        "reviewed": True,
        "owner": "ml-team",
    }


def test_pruning_keeps_artifact_versions_that_a_model_version_links():
    kept = save_artifact(11, name="linked_by_hand")
    dropped = save_artifact(12, name="not_linked")
    link_artifact_to_model(kept, model=Model(name=MODEL, version="handmade"))
    Client().prune_artifacts()
    remaining = {v.id for v in Client().list_artifact_versions(size=100)}
    assert kept.id in remaining and dropped.id not in remaining
    assert Client().get_model_version(MODEL, "handmade").get_artifact("linked_by_hand").load() == 11
