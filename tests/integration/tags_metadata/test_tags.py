"""Tags on runs, pipelines, artifacts, artifact versions and snapshots, as ZenML's docs use
them: `@pipeline(tags=...)`, `add_tags` / `remove_tags` inside and outside steps, exclusive
and cascading tags, and the Client's tag calls."""

from typing import Annotated

import pytest

from stepwell import Tag, add_tags, get_step_context, pipeline, remove_tags, step
from stepwell.client import Client
from stepwell.exceptions import EntityExistsError, TagError


@step
def make() -> Annotated[int, "numbers"]:
    add_tags(tags=["from-step"])
    add_tags(tags=["checked"], infer_artifact=True)
    return 1


@step
def pair() -> tuple[Annotated[int, "left"], Annotated[int, "right"]]:
    get_step_context().add_output_tags(["mine", "dropped"], output_name="left")
    get_step_context().remove_output_tags(["dropped"], output_name="left")
    add_tags(tags=["r"], artifact_name="right", infer_artifact=True)
    return 1, 2


@pipeline(tags=["base", Tag(name="everywhere", cascade=True)])
def tagged_pipeline():
    make()
    pair()


def names(tags):
    return [tag.name for tag in tags]


def test_the_run_gets_the_decorators_tags_and_with_options_adds_to_them():
    run = tagged_pipeline.with_options(tags=["extra"])()
    assert names(Client().get_pipeline_run(run.id).tags) == [
        "base",
        "everywhere",
        "extra",
        "from-step",
    ]
    assert "base" in run.tags  # a tag compares equal to its name
    assert Client().get_pipeline("tagged_pipeline").tags == []  # ZenML tags the run only


def test_yaml_tags_add_to_the_code_tags(tmp_path):
    config = tmp_path / "run.yaml"
    config.write_text("tags:\n  - from-yaml\n")
    run = tagged_pipeline.with_options(config_path=str(config))()
    assert {"base", "from-yaml"} <= set(names(run.tags))


def test_outputs_get_their_step_tags_and_the_cascading_pipeline_tags():
    run = Client().get_pipeline_run(tagged_pipeline().id)
    assert names(run.steps["make"].output.tags) == ["checked", "everywhere"]
    outputs = run.steps["pair"].outputs
    assert names(outputs["left"][0].tags) == ["everywhere", "mine"]
    assert names(outputs["right"][0].tags) == ["everywhere", "r"]


def test_tags_on_runs_pipelines_artifacts_versions_and_snapshots_from_outside():
    run = tagged_pipeline()
    snapshot = tagged_pipeline.create_snapshot(name="tagged")
    add_tags(tags="manual", run=run.name)
    add_tags(tags=["team"], pipeline="tagged_pipeline")
    add_tags(tags=["dataset"], artifact="numbers")
    add_tags(tags=["v1"], artifact_name="numbers", artifact_version="1")
    add_tags(tags=["approved"], snapshot=snapshot.id)
    client = Client()
    version = client.get_artifact_version("numbers", "1")
    add_tags(tags=["by-id"], artifact_version_id=version.id)
    assert "manual" in client.get_pipeline_run(run.id).tags
    assert names(client.get_pipeline("tagged_pipeline").tags) == ["team"]
    assert names(client.get_artifact("numbers").tags) == ["dataset"]
    assert {"v1", "by-id"} <= set(names(client.get_artifact_version(version.id).tags))
    assert names(client.get_snapshot(snapshot.id).tags) == ["approved"]


def test_remove_tags_takes_tags_off_and_ignores_unknown_ones():
    run = tagged_pipeline()
    remove_tags(tags=["base", "never-existed"], run=run.id)
    assert "base" not in Client().get_pipeline_run(run.id).tags
    assert "base" in Client().get_tag("base").name  # the tag itself stays


def test_an_exclusive_tag_moves_to_the_newest_run_of_the_pipeline():
    Client().create_tag("production", exclusive=True)
    first, second = tagged_pipeline(), tagged_pipeline()
    add_tags(tags=["production"], run=first.id)
    add_tags(tags=["production"], run=second.id)
    assert "production" not in Client().get_pipeline_run(first.id).tags
    assert "production" in Client().get_pipeline_run(second.id).tags


def test_an_exclusive_tag_is_on_one_version_of_each_artifact():
    tagged_pipeline()
    tagged_pipeline.with_options(enable_cache=False)()
    add_tags(tags=[Tag(name="best", exclusive=True)], artifact_name="numbers", artifact_version="1")
    add_tags(tags=[Tag(name="best", exclusive=True)], artifact_name="numbers", artifact_version="2")
    add_tags(tags=[Tag(name="best", exclusive=True)], artifact_name="left", artifact_version="1")
    client = Client()
    assert "best" not in client.get_artifact_version("numbers", "1").tags
    assert "best" in client.get_artifact_version("numbers", "2").tags
    assert "best" in client.get_artifact_version("left", "1").tags  # another artifact


def test_exclusive_tags_cannot_go_on_pipelines_or_artifacts():
    tagged_pipeline()
    Client().create_tag("unique", exclusive=True)
    with pytest.raises(TagError, match="exclusive"):
        add_tags(tags=["unique"], pipeline="tagged_pipeline")
    with pytest.raises(TagError, match="exclusive"):
        add_tags(tags=["unique"], artifact="numbers")


def test_a_tag_object_must_match_the_stored_tags_exclusive_setting():
    run = tagged_pipeline()
    Client().create_tag("stable", exclusive=True)
    with pytest.raises(TagError, match="already exists as an exclusive tag"):
        add_tags(tags=[Tag(name="stable")], run=run.id)


def test_cascading_tags_only_work_in_the_pipeline_configuration():
    run = tagged_pipeline()
    with pytest.raises(TagError, match="cascad"):
        add_tags(tags=[Tag(name="wide", cascade=True)], run=run.id)


def test_outside_a_step_a_target_is_needed_and_combinations_are_checked():
    with pytest.raises(ValueError, match="outside of a step"):
        add_tags(tags=["x"])
    with pytest.raises(ValueError, match="Unsupported combination"):
        add_tags(tags=["x"], run="a", pipeline="b")
    with pytest.raises(ValueError, match="inside a step"):
        remove_tags(tags=["x"], infer_artifact=True)


def test_the_client_creates_gets_lists_updates_and_deletes_tags():
    client = Client()
    created = client.create_tag("nightly", color="blue")
    with pytest.raises(EntityExistsError):
        client.create_tag("nightly")
    run = tagged_pipeline()
    add_tags(tags=["nightly"], run=run.id)
    assert client.get_tag("nightly").tagged_count == 1
    assert client.get_tag(str(created.id)[:8]).name == "nightly"
    assert names(client.list_tags(name="contains:night")) == ["nightly"]
    assert "nightly" in names(client.list_tags(resource_type="pipeline_run"))
    assert client.list_tags(exclusive=True).total == 0
    updated = client.update_tag("nightly", name="nightly-build", exclusive=True)
    assert updated.exclusive and updated.name == "nightly-build"
    assert "nightly-build" in client.get_pipeline_run(run.id).tags
    client.delete_tag("nightly-build")
    assert "nightly-build" not in client.get_pipeline_run(run.id).tags


def test_a_tag_on_two_runs_of_one_pipeline_cannot_become_exclusive():
    first, second = tagged_pipeline(), tagged_pipeline()
    add_tags(tags=["shared"], run=first.id)
    add_tags(tags=["shared"], run=second.id)
    with pytest.raises(TagError, match="cannot become exclusive"):
        Client().update_tag("shared", exclusive=True)


def test_deleting_a_run_takes_its_tags_and_those_of_its_artifacts_away():
    run = Client().get_pipeline_run(tagged_pipeline().id)
    version_id = run.steps["make"].output.id
    store = Client().store
    Client().delete_pipeline_run(run.id)
    assert store.get_resource_tags("pipeline_run", [run.id]) == {}
    assert store.get_resource_tags("artifact_version", [version_id]) == {}
    assert Client().get_tag("base").tagged_count == 0


def test_deleting_a_pipeline_takes_its_tags_and_its_snapshots_tags_away():
    tagged_pipeline()
    snapshot = tagged_pipeline.create_snapshot(name="to-go")
    pipeline_id = Client().get_pipeline("tagged_pipeline").id
    add_tags(tags=["team"], pipeline=pipeline_id)
    add_tags(tags=["team"], snapshot=snapshot.id)
    Client().delete_pipeline("tagged_pipeline")
    assert Client().get_tag("team").tagged_count == 0
