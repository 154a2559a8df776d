"""`save_artifact`, `load_artifact` and `register_artifact`, outside and inside steps."""

import os
from pathlib import Path

import pytest

from stepwell import (
    load_artifact,
    pipeline,
    register_artifact,
    save_artifact,
    step,
)
from stepwell.client import Client
from stepwell.enums import ArtifactType, ExecutionStatus
from stepwell.exceptions import EntityExistsError, PipelineRunFailedError
from stepwell.store.models import ArtifactVersionResponse


@step
def saves_by_hand() -> int:
    save_artifact({"rows": 3}, name="manual_stats", tags=["by-hand"])
    return 1


@pipeline
def manual_pipeline():
    saves_by_hand()


@step
def saves_then_fails() -> int:
    saved = save_artifact([1, 2, 3], name="never_recorded")
    assert os.path.isdir(saved.uri) and saved.load() == [1, 2, 3]
    Path(os.environ["SAVED_URI_FILE"]).write_text(saved.uri)
    raise ValueError("boom")


@pipeline
def failing_manual_pipeline():
    saves_then_fails()


def test_save_artifact_outside_a_step_records_a_version_at_once():
    version = save_artifact([1, 2, 3], name="numbers")
    assert isinstance(version, ArtifactVersionResponse)
    assert version.version == "1"
    assert save_artifact([4], name="numbers").version == "2"
    assert load_artifact("numbers") == [4]
    assert load_artifact("numbers", version="1") == [1, 2, 3]
    assert load_artifact(version.id) == [1, 2, 3]


def test_a_custom_version_name_is_kept_and_must_be_new():
    named = save_artifact("weights", name="model", version="v1", artifact_type=ArtifactType.MODEL)
    assert (named.version, named.type) == ("v1", ArtifactType.MODEL)
    assert load_artifact("model", version="v1") == "weights"
    with pytest.raises(EntityExistsError, match="already has a version 'v1'"):
        save_artifact("other", name="model", version="v1")
    assert [v.version for v in Client().list_artifact_versions(name="model").items] == ["v1"]


def test_an_explicit_version_number_moves_the_counter_on():
    assert save_artifact(1, name="counted", version=5).version == "5"
    assert save_artifact(2, name="counted").version == "6"


def test_save_artifact_with_uri_writes_inside_the_artifact_store():
    version = save_artifact("x", name="placed", uri="my/place")
    assert version.uri.endswith(os.path.join("my", "place"))
    assert os.path.isdir(version.uri)
    with pytest.raises(EntityExistsError, match="already stored"):
        save_artifact("y", name="placed", uri="my/place")


def test_save_artifact_inside_a_step_is_recorded_as_an_output_of_the_step_run():
    run = manual_pipeline()
    step_run = Client().get_pipeline_run(run.name).steps["saves_by_hand"]
    assert set(step_run.outputs) == {"output", "manual_stats"}
    (manual,) = step_run.outputs["manual_stats"]
    assert manual.producer_step_run_id == step_run.id
    assert manual.load() == {"rows": 3}
    assert [tag.name for tag in manual.tags] == ["by-hand"]


def test_a_failed_step_records_nothing_it_saved_and_removes_the_bytes(tmp_path, monkeypatch):
    marker = tmp_path / "saved-uri.txt"
    monkeypatch.setenv("SAVED_URI_FILE", str(marker))
    with pytest.raises(PipelineRunFailedError):
        failing_manual_pipeline()
    assert Client().list_artifact_versions(name="never_recorded").total == 0
    saved_uri = marker.read_text()  # the step saw its bytes in place before it failed
    assert not os.path.exists(saved_uri)


def test_register_artifact_records_existing_data_in_place():
    from stepwell.artifacts.utils import active_artifact_store

    folder = Path(active_artifact_store().path) / "datasets" / "raw"
    folder.mkdir(parents=True)
    (folder / "a.csv").write_text("x\n1\n")
    version = register_artifact(str(folder), name="raw_data", artifact_metadata={"rows": 1})
    assert version.uri == str(folder)
    assert version.run_metadata.get("rows") == 1
    loaded = load_artifact("raw_data")
    assert isinstance(loaded, Path)
    assert (loaded / "a.csv").read_text() == "x\n1\n"
    assert loaded != folder  # a copy: the registered data stays untouched


def test_register_artifact_refuses_paths_outside_the_artifact_store(tmp_path):
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("x")
    with pytest.raises(FileNotFoundError, match="outside the artifact store"):
        register_artifact(str(outside), name="nope")


def test_a_pipeline_run_still_completes_after_manual_saves():
    assert manual_pipeline().status is ExecutionStatus.COMPLETED
