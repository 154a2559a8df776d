"""Snapshots are stored pipeline versions; triggers run them from their archived code."""

import zipfile
from pathlib import Path

import pytest

from stepwell.client import Client
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import (
    ConfigurationError,
    EntityExistsError,
    EntityNotFoundError,
    TriggerError,
)

MODULE = """
    from stepwell import pipeline, step

    @step
    def scale(value: int = 2, factor: int = 10) -> int:
        return value * factor

    @pipeline
    def scaling_pipeline(factor: int = 10):
        scale(factor=factor)

    @step(enable_cache=False)
    def wait_for(flag_file: str) -> int:
        import os
        import time

        deadline = time.monotonic() + 60
        while not os.path.exists(flag_file) and time.monotonic() < deadline:
            time.sleep(0.05)
        return 1

    @pipeline
    def gated_pipeline(flag_file: str = ""):
        wait_for(flag_file=flag_file)
"""


@pytest.fixture
def project(user_module):
    """A user project on disk, importable, and the source root of snapshots."""
    module = user_module(MODULE, "user_pipelines")
    return Path(module.__file__).parent, module


def test_snapshot_stores_spec_config_and_code(project):
    folder, module = project
    (folder / ".gitignore").write_text("data/\n*.bin\n")
    (folder / "data").mkdir()
    (folder / "data" / "big.csv").write_text("x")
    (folder / "weights.bin").write_text("x")
    snapshot = module.scaling_pipeline.create_snapshot(name="v1", description="first")
    assert snapshot.name == "v1" and snapshot.description == "first"
    assert [inv["id"] for inv in snapshot.spec["invocations"]] == ["scale"]
    assert snapshot.config["name"] == "scaling_pipeline"
    with zipfile.ZipFile(snapshot.code_uri) as archive:
        names = set(archive.namelist())
    assert any(name.startswith("user_pipelines_") for name in names)
    assert ".gitignore" in names
    assert not any(name.startswith("data/") or name.endswith(".bin") for name in names)


def test_snapshot_names_are_unique_per_pipeline_unless_replaced(project):
    _, module = project
    first = module.scaling_pipeline.create_snapshot(name="prod")
    with pytest.raises(EntityExistsError, match="already has a snapshot named 'prod'"):
        module.scaling_pipeline.create_snapshot(name="prod")
    second = module.scaling_pipeline.create_snapshot(name="prod", replace=True)
    client = Client()
    assert client.get_snapshot("prod").id == second.id
    kept = client.get_snapshot(first.id)
    assert kept.name.startswith("prod@")


def test_code_archive_over_the_cap_is_a_clear_error(project, monkeypatch):
    folder, module = project
    (folder / "huge.txt").write_bytes(b"x" * 300_000)
    monkeypatch.setenv("STEPWELL_CODE_ARCHIVE_MAX_MB", "0.1")
    with pytest.raises(
        ConfigurationError, match=r"over the 0 MB cap.*huge.txt.*STEPWELL_CODE_ARCHIVE_MAX_MB"
    ):
        module.scaling_pipeline.create_snapshot(name="too-big")


def test_client_lists_updates_and_deletes_snapshots(project):
    _, module = project
    module.scaling_pipeline.create_snapshot(name="a")
    module.scaling_pipeline.create_snapshot(name="b")
    client = Client()
    assert [s.name for s in client.list_snapshots("scaling_pipeline")] == ["b", "a"]
    updated = client.update_snapshot("a", description="better")
    assert updated.description == "better"
    client.delete_snapshot("b")
    assert [s.name for s in client.list_snapshots()] == ["a"]
    with pytest.raises(EntityNotFoundError):
        client.get_snapshot("b")


def test_trigger_runs_the_archived_code_not_the_working_tree(project):
    folder, module = project
    snapshot = module.scaling_pipeline.create_snapshot(name="frozen")
    # The working tree changes after the snapshot: the trigger must not see it.
    source = next(folder.glob("user_pipelines_*.py"))
    source.write_text(source.read_text().replace("value * factor", "value * factor * 1000"))
    run = Client().trigger_pipeline(
        snapshot_name_or_id="frozen",
        run_configuration={"parameters": {"factor": 3}},
        synchronous=True,
        timeout=120,
    )
    assert run.status is ExecutionStatus.COMPLETED
    assert run.snapshot_id == snapshot.id
    assert run.steps["scale"].output.load() == 6


def test_trigger_by_pipeline_name_uses_its_newest_snapshot_and_returns_at_once(project):
    _, module = project
    module.scaling_pipeline.create_snapshot(name="old")
    newest = module.scaling_pipeline.create_snapshot(name="new")
    run = Client().trigger_pipeline(
        pipeline_name_or_id="scaling_pipeline",
        run_configuration={"steps": {"scale": {"parameters": {"value": 5}}}},
    )
    assert run.snapshot_id == newest.id
    finished = run.wait(timeout=120)
    assert finished.status is ExecutionStatus.COMPLETED
    assert finished.steps["scale"].output.load() == 50


def test_a_trigger_returns_while_its_run_still_goes_on(project, tmp_path):
    _, module = project
    module.gated_pipeline.create_snapshot(name="gated")
    flag = tmp_path / "go"
    run = Client().trigger_pipeline(
        snapshot_name_or_id="gated", run_configuration={"parameters": {"flag_file": str(flag)}}
    )
    # The step waits for the flag, which only this test writes: the run cannot be over.
    assert not Client().get_pipeline_run(run.id).status.is_finished
    flag.write_text("go")
    assert run.wait(timeout=120).status is ExecutionStatus.COMPLETED


@pytest.mark.parametrize(
    ("run_configuration", "message"),
    [
        ({"enable_cach": True}, "run_configuration: enable_cach: unknown key"),
        (
            {"parameters": {"depth": 3}},
            "parameters.depth: pipeline 'scaling_pipeline' takes no parameter",
        ),
        ({"steps": {"nope": {}}}, "steps.nope: snapshot 'bad-input' has no step invocation"),
        (
            {"steps": {"scale": {"parameters": {"x": 1}}}},
            "steps.scale.parameters.x: step 'scale' takes no parameter",
        ),
    ],
)
def test_bad_run_configurations_fail_before_any_run_exists(project, run_configuration, message):
    _, module = project
    module.scaling_pipeline.create_snapshot(name="bad-input")
    with pytest.raises(ConfigurationError, match=message):
        Client().trigger_pipeline("bad-input", run_configuration=run_configuration)
    assert Client().list_pipeline_runs() == []


def test_unknown_snapshot_or_pipeline_is_a_clear_error(project):
    with pytest.raises(EntityNotFoundError):
        Client().trigger_pipeline("no-such-snapshot")
    with pytest.raises(EntityNotFoundError):
        Client().trigger_pipeline(pipeline_name_or_id="no_such_pipeline")


def test_a_snapshot_whose_code_no_longer_imports_fails_without_a_run(
    user_module, tmp_path, monkeypatch
):
    # The pipeline imports a module from outside the source root: this process finds it,
    # the archived code does not. (An archive edited in place is refused before importing.)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "a_module_that_does_not_exist.py").write_text("")
    monkeypatch.syspath_prepend(str(outside))
    module = user_module("    import a_module_that_does_not_exist\n" + MODULE, "user_pipelines")
    module.scaling_pipeline.create_snapshot(name="broken")
    with pytest.raises(TriggerError, match="a_module_that_does_not_exist"):
        Client().trigger_pipeline("broken", synchronous=True, timeout=60)
    assert Client().list_pipeline_runs() == []


def test_sixteen_background_runs_on_sqlite_all_finish_with_nothing_lost(project):
    _, module = project
    module.scaling_pipeline.create_snapshot(name="many")
    client = Client()
    runs = [
        client.trigger_pipeline(
            "many",
            run_configuration={"enable_cache": False, "parameters": {"factor": index}},
        )
        for index in range(16)
    ]
    finished = [client.wait_for_pipeline_run(run.id, timeout=240) for run in runs]
    assert [run.status for run in finished] == [ExecutionStatus.COMPLETED] * 16
    assert sorted(run.steps["scale"].output.load() for run in finished) == [
        2 * i for i in range(16)
    ]
    for run in finished:
        attempts = client.store.list_step_run_attempts(run.id, "scale")
        assert len(attempts) == 1
    assert (
        len(client.list_artifact_versions(name="scaling_pipeline::scale::output", size=100)) == 16
    )
