"""Runs killed with SIGKILL at random moments leave no unrecorded bytes, and prune removes
nothing that a record points to.

Real processes, a real SQLite store and a local artifact store: the pipeline writes small
numpy arrays and one large one; `kill_runs` kills whole process groups, then the runs are
read through the Client, which finds the dead ones and removes what they left behind.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from kill_runs import kill_rounds, orphan_report, recorded_paths

from stepwell.artifact_stores.base import STAGING_PREFIX
from stepwell.client import Client


def _recorded_files(client: Client) -> dict[str, str]:
    """Every file under a recorded path, with the digest of its bytes."""
    found = {}
    for recorded in recorded_paths(client):
        path = Path(recorded)
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        for file in files:
            found[str(file)] = hashlib.sha256(file.read_bytes()).hexdigest()
    return found


def test_sigkilled_runs_leave_no_unrecorded_bytes_and_every_version_loads(stepwell_home):
    kills, mid_write = kill_rounds(
        stepwell_home, kills=8, large_mb=16, max_delay=3.5, mid_write_every=4, seed=7
    )

    report = orphan_report(stepwell_home, Client())

    assert mid_write >= 1, "no kill landed while the large array was being written"
    assert report.runs >= mid_write  # each mid-write kill hit a recorded run
    assert report.stuck_runs == 0
    assert report.orphans == []
    assert report.versions > 0
    assert report.load_errors == []
    assert Client().store.list_pending_outputs() == []


def test_prune_removes_a_dead_runs_bytes_and_nothing_a_record_points_to(stepwell_home):
    # Every run killed mid-write: each leaves a half-written array and unrecorded outputs.
    kill_rounds(stepwell_home, kills=2, large_mb=16, max_delay=3.5, mid_write_every=1, seed=3)
    client = Client()
    artifacts = stepwell_home / "artifacts"
    stale = artifacts / f"{STAGING_PREFIX}abandoned-by-a-crash"
    stale.mkdir()
    (stale / "data.npy").write_bytes(b"\x93NUMPY partial")
    an_hour_ago = time.time() - 3600
    os.utime(stale / "data.npy", (an_hour_ago, an_hour_ago))
    os.utime(stale, (an_hour_ago, an_hour_ago))
    fresh = artifacts / f"{STAGING_PREFIX}being-written-now"
    fresh.mkdir()
    (fresh / "data.npy").write_bytes(b"\x93NUMPY")
    recorded_before = _recorded_files(client)
    pending = client.store.list_pending_outputs()
    assert pending, "the killed runs announced outputs that were never recorded"
    assert any(Path(item.uri).exists() or _staging(item.uri).exists() for item in pending)

    client.prune_artifacts()

    assert _recorded_files(client) == recorded_before
    assert client.store.list_pending_outputs() == []
    assert not stale.exists()
    assert fresh.exists()  # younger than the grace period: it may still be written
    for item in pending:
        assert not Path(item.uri).exists() and not _staging(item.uri).exists()
    for version in client.list_artifact_versions(size=500):
        version.load()


def _staging(uri: str) -> Path:
    path = Path(uri)
    return path.parent / f"{STAGING_PREFIX}{path.name}"
