"""Pipelines run through a real server record the same things as on the local store: read
back through `Client()` (which then talks to the server) and straight from the server's
database, they match what the same pipelines record locally, value types included."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from parity_pipelines import (
    TYPED_METADATA,
    parity_dynamic,
    parity_failing,
    parity_training,
)

from stepwell.client import Client
from stepwell.store.sql.store import SqlStore

RUNS = ("train-1", "train-2", "fail-1", "dynamic-1")


def _run_all(marker_folder: str) -> None:
    parity_training.with_options(run_name="train-1")(rows=3, marker_folder=marker_folder)
    parity_training.with_options(run_name="train-2")(rows=3, marker_folder=marker_folder)
    with pytest.raises(Exception, match="no good with 2 rows|boom"):
        parity_failing.with_options(run_name="fail-1")()
    parity_dynamic.with_options(run_name="dynamic-1")()


def _typed(values: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    """Values with their type names: `Uri("x") == "x"`, so equality alone hides a lost type."""
    return {key: (type(value).__name__, value) for key, value in sorted(values.items())}


def _output(version: Any) -> tuple[Any, ...]:
    metadata = _typed(version.run_metadata)  # what the materializer extracted, typed
    return (version.name, str(version.version), version.type, version.load(), metadata)


def _summary(client: Client) -> dict[str, Any]:
    """What the parity pipelines recorded, without ids, times or paths."""
    summary: dict[str, Any] = {}
    for name in RUNS:
        run = client.get_pipeline_run(name)
        steps = {}
        for step_name, step_run in sorted(run.steps.items()):
            attempts = client.store.list_step_run_attempts(run.id, step_name)
            steps[step_name] = {
                "status": str(step_run.status),
                "attempts": [str(attempt.status) for attempt in attempts],
                "outputs": {
                    output: [_output(version) for version in versions]
                    for output, versions in sorted(step_run.outputs.items())
                },
                "metadata": _typed(step_run.run_metadata),
            }
        version = run.model_version
        summary[name] = {
            "status": str(run.status),
            "tags": sorted(tag.name for tag in run.tags),
            "metadata": _typed(run.run_metadata),
            "model_version": None if version is None else (version.name, version.number),
            "steps": steps,
        }
    summary["model_versions"] = [
        (
            version.number,
            str(version.stage),
            _typed(version.run_metadata),
            sorted(link.artifact_version.name for link in _links(client, version.id)),
        )
        for version in client.list_model_versions("parity_model")
    ]
    summary["saved"] = [
        (str(version.version), version.load())
        for version in client.list_artifact_versions(name="parity_saved", sort_by="created")
    ]
    return summary


def _links(client: Client, version_id: Any) -> list[Any]:
    return list(client.store.list_model_version_artifact_links(model_version_id=version_id))


@pytest.fixture(scope="module")
def recorded(server, tmp_path_factory):
    """The summaries of the parity pipelines: run locally, run through the server (read via
    `Client()`), and read from the server's database."""
    local_home = tmp_path_factory.mktemp("parity-local")
    remote_home = tmp_path_factory.mktemp("parity-remote")
    active = importlib.import_module("stepwell.store.active")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STEPWELL_HOME", str(local_home))
        active.reset_store()
        _run_all(str(tmp_path_factory.mktemp("markers-local")))
        local = _summary(Client())
        patch.setenv("STEPWELL_HOME", str(remote_home))
        for name, value in server.client_env("member").items():
            patch.setenv(name, value)
        active.reset_store()
        _run_all(str(tmp_path_factory.mktemp("markers-remote")))
        client = Client()
        assert type(client.store).__name__ == "RestStore"
        remote = _summary(client)
        database = _summary(Client(SqlStore(server.store_url)))
    active.reset_store()
    return {"local": local, "remote": remote, "database": database}


@pytest.mark.parametrize("part", [*RUNS, "model_versions", "saved"])
@pytest.mark.parametrize("where", ["remote", "database"])
def test_the_server_records_what_the_local_store_records(recorded, part, where):
    assert recorded[where][part] == recorded["local"][part]


def test_the_runs_did_what_the_pipelines_say(recorded):
    local = recorded["local"]
    assert local["train-1"]["steps"]["flaky_train"]["attempts"] == ["retried", "completed"]
    assert local["train-2"]["steps"]["load_rows"]["status"] == "cached"
    assert local["fail-1"]["status"] == "failed"
    assert local["fail-1"]["steps"]["boom"]["status"] == "failed"
    assert {"square:0", "square:2", "total", "big"} <= set(local["dynamic-1"]["steps"])
    assert local["train-1"]["tags"] == ["parity", "train"]
    stages = [(number, stage) for number, stage, _, _ in local["model_versions"]]
    assert stages == [(1, "archived"), (2, "production")]
    assert local["saved"] == [("1", {"rows": 3}), ("2", {"rows": 3})]


def test_typed_metadata_keeps_its_types_through_the_server(recorded):
    logged = recorded["remote"]["train-1"]["steps"]["flaky_train"]["metadata"]
    assert logged == _typed(TYPED_METADATA)
    assert logged["where"][0] == "Uri" and logged["bytes"][0] == "StorageSize"
    assert logged["shape"] == ("tuple", (3, 4)) and logged["labels"][0] == "set"
    (rows,) = recorded["remote"]["train-1"]["steps"]["load_rows"]["outputs"]["rows"]
    extracted = rows[-1]  # by the materializer, sent with the step's outputs
    assert extracted == {"dtype": ("DType", "int64"), "storage_size": ("StorageSize", 24)}
