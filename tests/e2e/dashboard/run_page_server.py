"""A server with the runs of `run_page_pipelines` recorded in it, and a way to start a run
that waits for a flag file (for the tests that watch a run change while the page is open)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from live_server import RunningServer, launch_server

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = Path(__file__).with_name("run_page_pipelines.py")


def _env(server: RunningServer, base: Path) -> dict[str, str]:
    return {
        **os.environ,
        **server.client_env("member"),
        "STEPWELL_HOME": str(base / "client"),
        "STEPWELL_ARTIFACT_STORE_PATH": str(base / "artifacts"),
        "PYTHONPATH": str(ROOT / "src"),
    }


def serve_recorded_runs(base: Path) -> RunningServer:
    """A started server with the mapped, tuned (twice) runs recorded; the caller stops it."""
    server = launch_server(base / "server", STEPWELL_ARTIFACT_STORE_PATH=str(base / "artifacts"))
    try:
        done = subprocess.run(
            [sys.executable, str(SCRIPT), "record"],
            env=_env(server, base),
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, done.stderr
    except BaseException:
        server.stop()
        raise
    return server


def start_waiting_run(server: RunningServer, base: Path, flag: Path) -> subprocess.Popen[str]:
    """Start `waiting_pipeline` in a process of its own; it ends once `flag` exists."""
    return subprocess.Popen(
        [sys.executable, str(SCRIPT), "wait", str(flag)],
        env=_env(server, base),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def runs_of(server: RunningServer, pipeline: str) -> list[dict[str, Any]]:
    """The pipeline's runs as the REST API lists them, newest first."""
    answer = server.http.get(
        "/api/v1/runs",
        params={"pipeline": pipeline, "sort_by": "desc:created"},
        headers=server.headers("viewer"),
    )
    answer.raise_for_status()
    return list(answer.json()["items"])


def wait_for_step(server: RunningServer, run_id: str, name: str, status: str) -> None:
    """Wait (up to 60 s) until the run's step `name` is recorded with `status`."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        steps = server.http.get(
            f"/api/v1/runs/{run_id}/steps", headers=server.headers("viewer")
        ).json()
        if steps.get(name, {}).get("status") == status:
            return
        time.sleep(0.1)
    raise AssertionError(f"step {name} of run {run_id} never became {status}")


def wait_for_new_run(server: RunningServer, pipeline: str, known: set[str]) -> str:
    """The id of a run of `pipeline` not in `known`, once the server has it (up to 60 s)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        fresh = [run["id"] for run in runs_of(server, pipeline) if run["id"] not in known]
        if fresh:
            return str(fresh[0])
        time.sleep(0.1)
    raise AssertionError(f"no new run of {pipeline} appeared")
