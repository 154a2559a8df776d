"""Helpers for the Ray tests: where a step ran, files steps write, live processes."""

from __future__ import annotations

import os
from pathlib import Path


def node_of(step_run) -> str:
    """The id of the Ray node a step run's attempt ran on, as its worker recorded it."""
    return step_run.run_metadata["ray_node_id"]


def wait_for_file(path: Path, timeout: float = 60.0) -> str:
    """The content of `path` once a step has written it."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text():
            return path.read_text()
        time.sleep(0.05)
    raise AssertionError(f"{path} was not written within {timeout} s")


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
