"""Permissions that a same-host shortcut or a self-inflicted change could get around: a
viewer cannot stop a run (even one whose process runs on this host), and the last active
admin cannot be deleted, deactivated or demoted (through the CLI or the REST API)."""

from __future__ import annotations

import importlib
import os
import subprocess
import time
import uuid
from datetime import datetime, timezone

import pytest
from live_server import PASSWORD, RunningServer
from typer.testing import CliRunner, Result

from stepwell.cli.app import app
from stepwell.config.pipeline_config import PipelineConfig
from stepwell.enums import ExecutionStatus
from stepwell.store.sql.store import SqlStore
from stepwell.utils.processes import host_name, start_token


def _as(server: RunningServer, role: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make this test's stepwell log in to `server` as the user of `role`."""
    monkeypatch.delenv("STEPWELL_API_KEY", raising=False)
    monkeypatch.setenv("STEPWELL_SERVER_URL", server.url)
    monkeypatch.setenv("STEPWELL_SERVER_USERNAME", server.accounts[role].name)
    monkeypatch.setenv("STEPWELL_SERVER_PASSWORD", PASSWORD)
    importlib.import_module("stepwell.store.active").reset_store()


def _cli(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def bystander():
    """A process on this host standing in for a run's orchestrating process."""
    process = subprocess.Popen(["sleep", "120"], start_new_session=True)
    yield process
    process.kill()
    process.wait()


def _running_run(server: RunningServer, pid: int):
    """A run recorded (in the server's database) as orchestrated by process `pid` here."""
    store = SqlStore(server.store_url)
    owner = store.get_or_create_pipeline("guarded")
    return store.create_run(
        name=f"guarded-{uuid.uuid4().hex[:8]}",
        pipeline_id=owner.id,
        pipeline_name="guarded",
        snapshot_id=None,
        config=PipelineConfig(name="guarded"),
        status=ExecutionStatus.RUNNING,
        start_time=datetime.now(timezone.utc),
        orchestrator_pid=pid,
        orchestrator_host=host_name(),
        orchestrator_start_token=start_token(pid),
    )


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="needs /proc")
def test_a_viewer_cannot_stop_a_run_whose_process_is_on_this_host(server, monkeypatch, bystander):
    run = _running_run(server, bystander.pid)
    _as(server, "viewer", monkeypatch)

    result = _cli("pipeline", "runs", "stop", run.name)

    assert result.exit_code != 0, result.output
    assert "This needs the 'member' role" in result.output
    time.sleep(0.2)  # a signal, had one been sent, would have ended `sleep` by now
    assert bystander.poll() is None
    after = SqlStore(server.store_url).get_run(run.id)
    assert after.stop_requested_at is None
    assert after.status is ExecutionStatus.RUNNING


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="needs /proc")
def test_a_member_stops_a_run_on_this_host_at_once(server, monkeypatch, bystander):
    run = _running_run(server, bystander.pid)
    _as(server, "member", monkeypatch)

    result = _cli("pipeline", "runs", "stop", run.name)

    assert result.exit_code == 0, result.output
    assert "Signalled run" in result.stdout
    assert bystander.wait(timeout=10) != 0  # ended by the signal
    assert SqlStore(server.store_url).get_run(run.id).stop_requested_at is not None


def _make_user(server: RunningServer, role: str) -> str:
    name = f"{role}-{uuid.uuid4().hex[:8]}"
    SqlStore(server.store_url).create_user(name=name, password=PASSWORD, role=role)
    return name


@pytest.mark.parametrize(
    "change",
    [["user", "delete", "admin", "--yes"],
     ["user", "update", "admin", "--role", "viewer"],
     ["user", "update", "admin", "--role", "member"],
     ["user", "update", "admin", "--inactive"]],
    ids=["delete", "demote-to-viewer", "demote-to-member", "deactivate"],
)  # fmt: skip
def test_the_last_admin_cannot_remove_itself(server, monkeypatch, change):
    _as(server, "admin", monkeypatch)

    result = _cli(*change)

    assert result.exit_code != 0, result.output
    assert "last active admin" in result.output
    assert "Make another user admin first" in result.output
    admin = SqlStore(server.store_url).get_user("admin")
    assert (admin.role, admin.active) == ("admin", True)


def test_the_rest_api_refuses_to_demote_the_last_admin(server):
    admin = SqlStore(server.store_url).get_user("admin")
    response = server.http.patch(
        f"/api/v1/users/{admin.id}", json={"role": "member"}, headers=server.headers("admin")
    )
    assert response.status_code >= 400, response.text
    assert "last active admin" in response.text
    assert SqlStore(server.store_url).get_user("admin").role == "admin"


def test_an_admin_can_go_once_another_user_is_admin(tmp_path):
    store = SqlStore(f"sqlite:///{tmp_path / 'accounts.db'}")
    first = store.create_user(name="first", password=PASSWORD, role="admin")
    store.create_user(name="robot", role="admin", is_service_account=True)
    from stepwell.exceptions import StoreError

    # A service account does not count: nobody can log in to the dashboard as one.
    with pytest.raises(StoreError, match="Make another user admin first"):
        store.delete_user(first.id)
    second = store.create_user(name="second", password=PASSWORD, role="admin")
    assert store.update_user(first.id, role="viewer").role == "viewer"
    with pytest.raises(StoreError, match="last active admin"):
        store.update_user(second.id, active=False)
    store.update_user(first.id, role="admin")
    store.delete_user(second.id)
    assert [u.name for u in store.list_users(role="admin", is_service_account=False, size=10)] == [
        "first"
    ]
