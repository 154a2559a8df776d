"""Triggering a snapshot with a server configured runs it on the server's host: the client
(its own home folder) sends a request, the server checks the run configuration and starts
the runner with its own environment and database. Bad configurations, unreachable code and
viewers are refused before any run exists; the CLI's `snapshot trigger` goes the same way."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

import pytest
from cli_process import StepwellCommand
from live_server import RunningServer

from stepwell.client import Client
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import ConfigurationError
from stepwell.store.liveness import wait_for_run
from stepwell.store.sql.store import SqlStore

# The step reports the environment it ran in: the server's home folder and database, or the
# client's.
MODULE = """
    import json
    import os
    import time

    from stepwell import pipeline, step

    @step(enable_cache=False)
    def where_am_i(value: int = 1, gate: str = "") -> str:
        deadline = time.monotonic() + 60
        while gate and not os.path.exists(gate) and time.monotonic() < deadline:
            time.sleep(0.05)
        return json.dumps({
            "value": value,
            "home": os.environ.get("STEPWELL_HOME"),
            "store_url": os.environ.get("STEPWELL_STORE_URL"),
            "server_url": os.environ.get("STEPWELL_SERVER_URL"),
            "pid": os.getpid(),
        })

    @pipeline
    def server_side_probe(value: int = 1, gate: str = ""):
        where_am_i(value=value, gate=gate)
"""


@pytest.fixture
def snapshot(use_server: RunningServer, user_module: Any) -> Any:
    """A snapshot of the probe pipeline, created by this test's client on the server."""
    module = user_module(MODULE, "trigger_probe")
    return module.server_side_probe.create_snapshot(name=f"probe-{uuid.uuid4().hex[:8]}")


def _server_runs(server: RunningServer, snapshot_id: Any) -> list[Any]:
    """The runs of a snapshot, read from the server's database directly."""
    return list(SqlStore(server.store_url).list_runs(snapshot_id=snapshot_id, size=100))


def _report(run: Any) -> dict[str, Any]:
    return dict(json.loads(run.steps["where_am_i"].output.load()))


def test_a_snapshot_created_through_the_server_is_stored_there(use_server, snapshot):
    stored = SqlStore(use_server.store_url).get_snapshot(snapshot.id)
    assert stored.name == snapshot.name and stored.code_uri == snapshot.code_uri


def test_a_trigger_runs_in_a_runner_on_the_server_host(
    use_server, snapshot, stepwell_home, tmp_path
):
    gate = tmp_path / "gate"  # the step waits for it: the answer comes before the end
    configuration = {"parameters": {"value": 3, "gate": str(gate)}}
    run = Client().trigger_pipeline(snapshot.id, run_configuration=configuration)
    assert run is not None
    assert run.status in (ExecutionStatus.INITIALIZING, ExecutionStatus.RUNNING)
    assert [r.id for r in _server_runs(use_server, snapshot.id)] == [run.id]
    gate.touch()

    finished = wait_for_run(Client().store, run.id, 60)
    assert finished.status is ExecutionStatus.COMPLETED
    report = _report(finished)
    assert report["value"] == 3
    # The server's environment, not this client's: its home, its database, no server URL.
    assert Path(report["home"]).resolve() == use_server.home.resolve()
    assert report["store_url"] == use_server.store_url
    assert report["server_url"] is None
    assert report["pid"] != os.getpid()
    # The runner's log sits in the server's home; the client started no runner.
    assert list((use_server.home / "logs" / "triggers").glob("*.log"))
    assert not (stepwell_home / "logs" / "triggers").exists()


def test_a_synchronous_trigger_returns_the_finished_run(use_server, snapshot):
    run = Client().trigger_pipeline(
        snapshot.name, run_configuration={"parameters": {"value": 5}}, synchronous=True, timeout=60
    )
    assert run is not None and run.status is ExecutionStatus.COMPLETED
    assert _report(run)["value"] == 5


def test_a_configuration_the_snapshot_does_not_take_is_refused_and_starts_nothing(
    use_server, snapshot
):
    with pytest.raises(ConfigurationError, match="takes no parameter 'nope'"):
        Client().trigger_pipeline(snapshot.id, run_configuration={"parameters": {"nope": 1}})
    assert _server_runs(use_server, snapshot.id) == []


@pytest.mark.parametrize(
    ("configuration", "problem"),
    [
        ({"parameters": {"nope": 1}}, "takes no parameter 'nope'"),
        ({"paramters": {"value": 1}}, "paramters"),
        ({"steps": {"no_such_step": {}}}, "no step invocation 'no_such_step'"),
        ({"on_failure": "os:abort"}, "may not name code to run"),
    ],
)
def test_the_server_answers_a_bad_configuration_with_400_naming_it(
    use_server, snapshot, configuration, problem
):
    response = use_server.http.post(
        f"/api/v1/snapshots/{snapshot.id}/trigger",
        json={"run_configuration": configuration},
        headers=use_server.headers("member"),
    )
    assert response.status_code == 400, response.text
    assert problem in response.json()["message"]
    assert _server_runs(use_server, snapshot.id) == []


def test_a_viewer_may_not_trigger_and_a_stranger_must_log_in(use_server, snapshot):
    path = f"/api/v1/snapshots/{snapshot.id}/trigger"
    refused = use_server.http.post(path, json={}, headers=use_server.headers("viewer"))
    assert refused.status_code == 403, refused.text
    assert "'member' role" in refused.json()["message"]
    assert use_server.http.post(path, json={}).status_code == 401
    assert _server_runs(use_server, snapshot.id) == []


def test_a_snapshot_whose_code_the_server_cannot_read_is_refused(use_server, snapshot):
    Path(snapshot.code_uri).unlink()  # as if it sat in a folder only the client sees
    with pytest.raises(ConfigurationError, match="cannot be read on host") as refused:
        Client().trigger_pipeline(snapshot.id)
    assert snapshot.code_uri in str(refused.value)
    assert _server_runs(use_server, snapshot.id) == []


def test_the_cli_triggers_through_the_server(use_server, snapshot, tmp_path):
    stepwell = StepwellCommand(tmp_path / "cli-home", **use_server.client_env("member"))
    out = stepwell.ok("snapshot", "trigger", snapshot.name, "--param", "value=7", "--wait")
    (run,) = _server_runs(use_server, snapshot.id)
    assert run.name in out and "completed" in out
    report = json.loads(run.steps["where_am_i"].output.load())
    assert report["value"] == 7
    assert Path(report["home"]).resolve() == use_server.home.resolve()

    refused = stepwell("snapshot", "trigger", snapshot.name, "--param", "nope=1")
    assert refused.returncode != 0
    assert "takes no parameter 'nope'" in refused.stderr + refused.stdout
    assert len(_server_runs(use_server, snapshot.id)) == 1
