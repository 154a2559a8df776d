"""`stepwell artifact prune`: unrecorded files go, recorded artifacts stay."""

from __future__ import annotations

import os
import time

from stepwell.artifact_stores.base import STAGING_PREFIX
from stepwell.client import Client


def test_artifact_prune_removes_stale_staging_and_keeps_recorded_versions(
    cli, finished_run, stepwell_home
):
    stale = stepwell_home / "artifacts" / f"{STAGING_PREFIX}left-by-a-crash"
    stale.mkdir(parents=True)
    (stale / "data.json").write_text("12")
    an_hour_ago = time.time() - 3600
    os.utime(stale / "data.json", (an_hour_ago, an_hour_ago))
    os.utime(stale, (an_hour_ago, an_hour_ago))
    versions = {v.id: v.load() for v in Client().list_artifact_versions(size=100)}

    result = cli("artifact", "prune", "--yes")

    assert result.exit_code == 0, result.output
    assert "removed 1 unrecorded file(s) (2 bytes)" in result.stdout
    assert "Deleted 0 unused artifact version(s)" in result.stdout
    assert "unrecorded" not in result.stderr  # one summary, not the library's lines as well
    assert not stale.exists()
    assert {v.id: v.load() for v in Client().list_artifact_versions(size=100)} == versions
