"""The Client's artifact housekeeping: update tags, delete versions and artifacts, prune."""

import os

import pytest

from stepwell import pipeline, save_artifact, step
from stepwell.client import Client
from stepwell.exceptions import EntityInUseError, EntityNotFoundError


@step
def make() -> int:
    return 7


@step
def use(value: int) -> int:
    return value


@pipeline
def admin_pipeline():
    make()


@pipeline
def consumer_pipeline():
    use(Client().get_artifact_version("kept"))


def test_update_artifact_version_adds_and_removes_tags():
    save_artifact(1, name="tagged")
    client = Client()
    client.update_artifact_version("tagged", add_tags=["t1", "t2"])
    updated = client.update_artifact_version("tagged", version="1", remove_tags=["t1"])
    assert [tag.name for tag in updated.tags] == ["t2"]


def test_deleting_an_unused_version_removes_its_record_and_on_request_its_bytes():
    first = save_artifact(1, name="scratch")
    second = save_artifact(2, name="scratch")
    client = Client()
    client.delete_artifact_version("scratch", version="1")
    client.delete_artifact_version(second.id, delete_from_artifact_store=True)
    with pytest.raises(EntityNotFoundError):
        client.get_artifact_version("scratch", version="1")
    assert os.path.exists(first.uri)  # bytes stay unless asked
    assert not os.path.exists(second.uri)


def test_a_version_a_step_run_wrote_cannot_be_deleted():
    run = admin_pipeline()
    output = Client().get_pipeline_run(run.name).steps["make"].output
    with pytest.raises(EntityInUseError, match="Delete the runs that use it first"):
        Client().delete_artifact_version(output.id, delete_from_artifact_store=True)
    assert os.path.exists(output.uri)
    assert output.load() == 7


def test_a_version_a_step_run_read_cannot_be_deleted_nor_its_artifact():
    save_artifact(3, name="kept")
    consumer_pipeline()
    with pytest.raises(EntityInUseError):
        Client().delete_artifact_version("kept")
    with pytest.raises(EntityInUseError, match="'kept'"):
        Client().delete_artifact("kept")


def test_delete_artifact_removes_an_unused_artifact_with_its_versions():
    save_artifact(1, name="gone")
    save_artifact(2, name="gone")
    Client().delete_artifact("gone")
    with pytest.raises(EntityNotFoundError):
        Client().get_artifact("gone")


def test_prune_deletes_unused_versions_and_keeps_what_runs_use():
    unused = save_artifact("x", name="loose")
    run = admin_pipeline()
    output = Client().get_pipeline_run(run.name).steps["make"].output
    client = Client()
    client.prune_artifacts(delete_from_artifact_store=True)
    assert client.get_artifact("loose").name == "loose"  # only_versions: the artifact stays
    with pytest.raises(EntityNotFoundError):
        client.get_artifact_version(unused.id)
    assert not os.path.exists(unused.uri)
    assert client.get_artifact_version(output.id).load() == 7
    client.prune_artifacts(only_versions=False)
    with pytest.raises(EntityNotFoundError):
        client.get_artifact("loose")
