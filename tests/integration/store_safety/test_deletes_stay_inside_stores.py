"""Deleting runs and artifact versions removes nothing outside the artifact stores, however
the rows of a shared store were edited; honest data is still removed."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import update

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.store.active import default_artifact_store, get_store
from stepwell.store.sql.tables import STEP_RUNS, VERSIONS


@step
def make_text() -> str:
    print("hello from make_text")
    return "some text"


@pipeline(enable_cache=False)
def text_pipeline():
    make_text()


def _victim(tmp_path: Path, name: str = "victim") -> Path:
    """A folder outside every artifact store, with a file in it, that must survive."""
    folder = tmp_path / name
    folder.mkdir()
    (folder / "precious.txt").write_text("keep me")
    return folder


def _point_artifact_at(version_id, uri: str) -> None:
    get_store()._db.write(
        lambda c: c.execute(update(VERSIONS).where(VERSIONS.c.id == version_id).values(uri=uri))
    )


def _point_logs_at(step_run_id, uri: str) -> None:
    get_store()._db.write(
        lambda c: c.execute(
            update(STEP_RUNS).where(STEP_RUNS.c.id == step_run_id).values(logs_uri=uri)
        )
    )


def test_deleting_an_honest_run_removes_its_artifact_bytes_and_logs():
    run = text_pipeline()
    step_run = run.steps["make_text"]
    artifact_uri, logs_uri = step_run.output.uri, step_run.logs_uri
    assert os.path.exists(artifact_uri) and os.path.exists(logs_uri)

    Client().delete_pipeline_run(run.id)

    assert not os.path.exists(artifact_uri)
    assert not os.path.exists(logs_uri)


def test_an_artifact_uri_edited_to_a_folder_outside_the_stores_is_left_alone(
    tmp_path, stepwell_logs
):
    victim = _victim(tmp_path)
    run = text_pipeline()
    honest_uri = run.steps["make_text"].output.uri
    _point_artifact_at(run.steps["make_text"].output.id, str(victim))

    Client().delete_pipeline_run(run.id)

    assert (victim / "precious.txt").read_text() == "keep me"
    assert f"Not removing {victim}" in stepwell_logs.text
    assert os.path.exists(honest_uri)  # nothing points to it any more; a prune may take it


def test_a_uri_climbing_out_of_the_store_with_dotdot_is_left_alone(tmp_path):
    victim = _victim(tmp_path)
    root = default_artifact_store().path
    run = text_pipeline()
    climbing = os.path.join(root, "..", "..", os.path.relpath(victim, Path(root).parent.parent))
    _point_artifact_at(run.steps["make_text"].output.id, climbing)

    Client().delete_pipeline_run(run.id)

    assert (victim / "precious.txt").exists()


def test_a_uri_naming_the_store_root_itself_removes_nothing():
    run = text_pipeline()
    root = default_artifact_store().path
    other = text_pipeline()
    _point_artifact_at(run.steps["make_text"].output.id, root)

    Client().delete_pipeline_run(run.id)

    assert os.path.isdir(root)
    assert other.steps["make_text"].output.load() == "some text"


def test_a_symlink_planted_on_the_way_does_not_lead_the_removal_outside(tmp_path):
    victim = _victim(tmp_path)
    root = Path(default_artifact_store().path)
    run = text_pipeline()
    (root / "innocent-looking").symlink_to(victim, target_is_directory=True)
    _point_artifact_at(run.steps["make_text"].output.id, str(root / "innocent-looking" / "."))
    second = text_pipeline()
    _point_artifact_at(
        second.steps["make_text"].output.id, str(root / "innocent-looking" / "precious.txt")
    )

    Client().delete_pipeline_run(run.id)
    Client().delete_pipeline_run(second.id)

    assert (victim / "precious.txt").read_text() == "keep me"


def test_a_symlink_named_as_the_artifact_is_unlinked_and_its_target_kept(tmp_path):
    victim = _victim(tmp_path)
    root = Path(default_artifact_store().path)
    run = text_pipeline()
    link = root / "link-to-victim"
    link.symlink_to(victim, target_is_directory=True)
    _point_artifact_at(run.steps["make_text"].output.id, str(link))

    Client().delete_pipeline_run(run.id)

    assert not os.path.lexists(link)
    assert (victim / "precious.txt").read_text() == "keep me"


def test_a_log_uri_outside_the_logs_folder_is_left_alone(tmp_path, stepwell_logs):
    victim = _victim(tmp_path)
    other = text_pipeline()
    other_artifact = other.steps["make_text"].output.uri
    run = text_pipeline()
    _point_logs_at(run.steps["make_text"].id, other_artifact)
    second = text_pipeline()
    _point_logs_at(second.steps["make_text"].id, str(victim / "precious.txt"))

    Client().delete_pipeline_run(run.id)
    Client().delete_pipeline_run(second.id)

    assert other.steps["make_text"].output.load() == "some text"
    assert (victim / "precious.txt").exists()
    assert "the 'logs/' folder of" in stepwell_logs.text


def test_deleting_an_artifact_version_with_an_edited_uri_keeps_the_outside_file(tmp_path):
    victim = _victim(tmp_path)
    run = text_pipeline()
    version = run.steps["make_text"].output
    Client().delete_pipeline_run(run.id)  # releases nothing: the version goes with the run
    run = text_pipeline()
    version = run.steps["make_text"].output
    client = Client()
    get_store()._db.write(
        lambda c: c.execute(
            update(VERSIONS)
            .where(VERSIONS.c.id == version.id)
            .values(uri=str(victim), producer_step_run_id=None)
        )
    )
    client.delete_pipeline_run(run.id)  # the run's links go; the version stays (no producer)
    client.delete_artifact_version(version.id, delete_from_artifact_store=True)

    assert (victim / "precious.txt").read_text() == "keep me"


def test_an_artifact_store_component_registered_at_the_filesystem_root_is_not_trusted(
    tmp_path, stepwell_logs
):
    victim = _victim(tmp_path)
    client = Client()
    client.create_stack_component("everything", "local", "artifact_store", {"path": "/"})
    run = text_pipeline()
    _point_artifact_at(run.steps["make_text"].output.id, str(victim))

    client.delete_pipeline_run(run.id)

    assert (victim / "precious.txt").exists()
    assert "Not treating / as an artifact store" in stepwell_logs.text
