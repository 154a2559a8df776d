"""A full disk or a failing artifact store during a save fails the step cleanly.

The artifact store is a local folder behind an fsspec filesystem registered under a test
protocol, whose files raise `OSError(ENOSPC)` once a byte budget is spent: the step fails
with an error naming the output and the store, no artifact version is recorded, nothing is
left at the output's location, and no write-ahead record remains.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import fsspec
import numpy as np
import pytest
from fsspec.implementations.local import LocalFileOpener, LocalFileSystem

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import PipelineRunFailedError

PROTOCOL = "fulldisk"
BUDGET = "FULLDISK_BUDGET_BYTES"


class _BudgetedFile(LocalFileOpener):
    """A local file that runs out of space after the budget in $FULLDISK_BUDGET_BYTES."""

    def write(self, data):  # type: ignore[no-untyped-def]
        left = int(os.environ.get(BUDGET, "-1"))
        if left >= 0 and len(data) > left:
            self.f.write(bytes(data[:left]))  # what a full disk takes before it refuses
            os.environ[BUDGET] = "0"
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        if left >= 0:
            os.environ[BUDGET] = str(left - len(data))
        return self.f.write(data)


class FullDiskFileSystem(LocalFileSystem):
    """`fulldisk:///path`: a local folder on a disk that fills up."""

    protocol = PROTOCOL
    root_marker = "/"

    @classmethod
    def _strip_protocol(cls, path):  # type: ignore[no-untyped-def]
        path = str(path)
        if path.startswith(f"{PROTOCOL}://"):
            path = path[len(PROTOCOL) + 3 :]
        return super()._strip_protocol(path)

    def _open(self, path, mode="rb", block_size=None, **kwargs):  # type: ignore[no-untyped-def]
        if "w" in mode or "a" in mode:
            self.makedirs(self._parent(path), exist_ok=True)
            return _BudgetedFile(path, mode, fs=self, **kwargs)
        return super()._open(path, mode, block_size=block_size, **kwargs)


@pytest.fixture
def full_disk_store(tmp_path, monkeypatch):
    """The default stack's artifact store on a disk with 64 KiB left."""
    fsspec.register_implementation(PROTOCOL, FullDiskFileSystem, clobber=True)
    folder = tmp_path / "full-disk"
    folder.mkdir()
    monkeypatch.setenv("STEPWELL_ARTIFACT_STORE_PATH", f"{PROTOCOL}://{folder}")
    monkeypatch.setenv(BUDGET, str(64 * 1024))
    return folder


@step
def small_and_large() -> tuple[int, np.ndarray]:
    return 7, np.ones(1_000_000)  # the int fits, the 8 MB array does not


@pipeline(enable_cache=False, enable_step_logs=False, enable_artifact_visualization=False)
def fills_the_disk():
    small_and_large()


def test_a_full_disk_fails_the_step_naming_the_output_and_the_store(full_disk_store):
    with pytest.raises(PipelineRunFailedError):
        fills_the_disk()

    run = Client().list_pipeline_runs(size=1).items[0]
    step_run = run.steps["small_and_large"]
    assert step_run.status is ExecutionStatus.FAILED
    message = step_run.status_message or ""
    assert "ArtifactStoreError" in message
    assert "output 'output_1'" in message
    assert f"{PROTOCOL}://{full_disk_store}" in message
    assert "No space left on device" in message


def test_a_full_disk_leaves_no_record_no_bytes_and_no_pending_location(full_disk_store):
    with pytest.raises(PipelineRunFailedError):
        fills_the_disk()

    client = Client()
    run = client.list_pipeline_runs(size=1).items[0]
    assert run.steps["small_and_large"].outputs == {}
    assert client.list_artifact_versions(size=50).total == 0
    assert client.store.list_pending_outputs() == []
    # The output that was written whole and the one cut short are both gone.
    assert [p for p in Path(full_disk_store).rglob("*") if p.is_file()] == []
