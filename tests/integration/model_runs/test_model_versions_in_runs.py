"""Runs with a model: which version each run makes or uses, and what is linked to it.

Evidence comes from the store the runs wrote (links, run and step-run records) and from the
steps themselves (what `get_step_context().model` said inside the worker).
"""

from __future__ import annotations

from typing import Annotated

import pytest

from stepwell import ArtifactConfig, Model, get_step_context, log_metadata, pipeline, step
from stepwell.client import Client
from stepwell.enums import ArtifactType, ExecutionStatus, ModelStages
from stepwell.exceptions import (
    ModelVersionNotFoundError,
    PipelineRunFailedError,
    StepContextError,
)

MODEL = "churn"


@step
def load() -> Annotated[int, "dataset"]:
    return 3


@step(enable_cache=False)
def train(x: int) -> Annotated[int, ArtifactConfig(name="clf", artifact_type=ArtifactType.MODEL)]:
    model = get_step_context().model
    log_metadata({"accuracy": 0.5 + model.number / 10}, infer_model=True)
    return x * 10 + model.number


@step(enable_cache=False)
def report() -> Annotated[dict, "seen"]:
    model = get_step_context().model
    return {"name": model.name, "number": model.number, "id": str(model.id)}


@pipeline(model=Model(name=MODEL, license="MIT", tags=["team-a"]))
def training():
    train(load())
    report()


def _links(version) -> set[str]:
    links = Client().list_model_version_artifact_links(model_version_id=version.id, size=100)
    return {link.artifact_version.name for link in links}


def test_each_run_makes_the_next_version_and_links_what_its_steps_made():
    first, second = training(), training()
    client = Client()
    versions = client.list_model_versions(MODEL)
    assert [(v.number, v.name) for v in versions] == [(1, "1"), (2, "2")]
    assert client.get_pipeline_run(first.id).model_version.number == 1
    assert client.get_pipeline_run(second.id).model_version.number == 2
    # What the step saw in its own process is the version its run made.
    seen = client.get_pipeline_run(second.id).steps["report"].output.load()
    assert seen == {"name": MODEL, "number": 2, "id": str(versions[1].id)}
    assert client.get_pipeline_run(second.id).steps["train"].model_version.number == 2
    for version in versions:
        assert _links(version) == {"dataset", "clf", "seen"}
        assert version.model_artifacts["clf"]
        assert set(version.data_artifacts) == {"dataset", "seen"}
        assert version.run_metadata["accuracy"] == pytest.approx(0.5 + version.number / 10)
    assert client.get_model(MODEL).license == "MIT"
    assert "team-a" in client.get_model_version(MODEL, 1).tags


def test_a_cached_step_s_outputs_belong_to_the_new_version_too():
    first, second = training(), training()
    client = Client()
    cached = client.get_pipeline_run(second.id).steps["load"]
    assert cached.status is ExecutionStatus.CACHED
    dataset = cached.output
    assert dataset.id == client.get_pipeline_run(first.id).steps["load"].output.id
    for number in (1, 2):
        version = client.get_model_version(MODEL, number)
        assert version.get_artifact("dataset").id == dataset.id


@step(model=Model(name=MODEL))
def shares_the_model() -> Annotated[int, "shared"]:
    return get_step_context().model.number


@step(model=Model(name="other"))
def has_its_own() -> Annotated[int, "own"]:
    return get_step_context().model.number


@pipeline(model=Model(name=MODEL))
def mixed():
    shares_the_model()
    has_its_own()
    report()


def test_steps_sharing_the_pipeline_s_model_share_its_version_and_others_get_their_own():
    run = Client().get_pipeline_run(mixed().id)
    client = Client()
    assert [v.number for v in client.list_model_versions(MODEL)] == [1]
    assert [v.number for v in client.list_model_versions("other")] == [1]
    assert run.model_version.model_name == MODEL
    assert run.steps["has_its_own"].model_version.model_name == "other"
    assert _links(client.get_model_version(MODEL, 1)) == {"shared", "seen"}
    assert _links(client.get_model_version("other", 1)) == {"own"}
    linked_runs = client.list_model_version_pipeline_run_links(pipeline_run_id=run.id)
    assert {link.model_version_id for link in linked_runs} == {
        client.get_model_version(MODEL, 1).id,
        client.get_model_version("other", 1).id,
    }


def test_a_named_version_is_made_once_and_reused_by_later_runs():
    named = training.with_options(model=Model(name=MODEL, version="release-{date}"))
    named()
    named()
    versions = Client().list_model_versions(MODEL)
    assert len(versions) == 1
    assert versions[0].name.startswith("release-2")
    assert len(versions[0].pipeline_runs) == 2


def test_a_stage_that_no_version_holds_fails_before_anything_is_stored():
    training()  # version 1, no stage
    runs_before = Client().list_pipeline_runs(size=100).total
    production = training.with_options(model=Model(name=MODEL, version="production"))
    with pytest.raises(ModelVersionNotFoundError, match="no version in stage 'production'"):
        production()
    assert Client().list_pipeline_runs(size=100).total == runs_before
    with pytest.raises(ModelVersionNotFoundError, match="'ghost' does not exist"):
        training.with_options(model=Model(name="ghost", version=ModelStages.STAGING))()
    assert Client().list_models(name="ghost").total == 0


def test_a_run_that_names_a_stage_uses_that_version_and_makes_none():
    training()
    training()
    Client().update_model_version(MODEL, 1, stage="production")
    run = training.with_options(model=Model(name=MODEL, version=ModelStages.PRODUCTION))()
    assert Client().get_pipeline_run(run.id).model_version.number == 1
    assert [v.number for v in Client().list_model_versions(MODEL)] == [1, 2]


@step
def no_model_here() -> int:
    get_step_context().model
    return 1


@pipeline
def without_model():
    no_model_here()


def test_a_step_without_a_model_is_told_how_to_give_it_one():
    with pytest.raises(PipelineRunFailedError):
        without_model()
    run = Client().get_pipeline(without_model.name).last_run
    assert run.steps["no_model_here"].status is ExecutionStatus.FAILED
    assert "has no model" in (run.steps["no_model_here"].status_message or "") + (
        run.steps["no_model_here"].exception or ""
    )
    assert StepContextError.__name__ in (run.steps["no_model_here"].exception or "")
