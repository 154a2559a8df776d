"""The server the step, artifact, snapshot and platform page tests use, and helpers: start
a run through it, read its database, log in, wait for something to happen."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from live_server import RunningServer, launch_server
from playwright.sync_api import expect

from stepwell.store.sql.store import SqlStore

ROOT = Path(__file__).resolve().parents[4]
HERE = Path(__file__).parent


@dataclass
class PagesServer:
    """The server, the client environment that runs pipelines through it, and its store."""

    server: RunningServer
    env: dict[str, str]
    project: Path

    @property
    def url(self) -> str:
        return self.server.url

    def store(self) -> SqlStore:
        """The server's own database, read directly (the evidence, not the API)."""
        return SqlStore(self.server.store_url)

    def start(self, code: str) -> subprocess.Popen[str]:
        """Run `code` (with `pages_pipelines` importable as `pp`) in a process of its own."""
        return subprocess.Popen(
            [sys.executable, "-c", f"import pages_pipelines as pp\n{code}"],
            env=self.env,
            cwd=self.project,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def latest_run(self, pipeline: str) -> Any:
        runs = self.store().list_runs(pipeline=pipeline, sort_by="desc:created", size=1)
        return runs.items[0] if runs.items else None


def serve_pages(base: Path) -> Iterator[PagesServer]:
    """A started server with `pages_records` recorded in it, stopped after use."""
    shared = base / "artifacts"
    project = base / "project"
    project.mkdir()
    shutil.copy(HERE / "pages_pipelines.py", project / "pages_pipelines.py")
    server = launch_server(base / "server", STEPWELL_ARTIFACT_STORE_PATH=str(shared))
    try:
        env = {
            **os.environ,
            **server.client_env("member"),
            "STEPWELL_HOME": str(base / "client"),
            "STEPWELL_ARTIFACT_STORE_PATH": str(shared),
            "STEPWELL_SOURCE_ROOT": str(project),
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(project)]),
        }
        done = subprocess.run(
            [sys.executable, str(HERE / "pages_records.py"), str(base / "flaky-marker")],
            env=env,
            cwd=project,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        yield PagesServer(server, env, project)
    finally:
        server.stop()


def log_in(page: Any, pages: PagesServer, target: str, role: str = "member") -> None:
    """Log in as `role` through the form, landing on `target` (a `#/...` address)."""
    account = pages.server.accounts[role]
    page.goto(f"{pages.url}/{target}")
    page.locator("#login-form").wait_for()
    page.fill("input[name=username]", account.name)
    page.fill("input[name=password]", account.password)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#who")).to_contain_text(account.name)


def wait_until(check: Any, what: str, seconds: float = 60) -> Any:
    """Poll `check()` until it returns something truthy (at most `seconds`)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"{what} did not happen within {seconds} s")
