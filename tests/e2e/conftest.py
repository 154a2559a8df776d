"""Fixtures of the browser tests: a real server with recorded runs, and Debian's chromium
driven by Playwright (never a downloaded browser). A failed test leaves a screenshot of its
page in `test-artifacts/` at the repository's root."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(_ROOT / "tests" / "integration" / "server"))
from live_server import RunningServer, launch_server  # noqa: E402

CHROMIUM = os.environ.get("STEPWELL_TEST_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = _ROOT / "test-artifacts"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def dashboard_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A server whose artifact store the pipeline runs share (so it can read their logs
    and visualizations), with the runs of `recorded_pipelines` in it."""
    base = tmp_path_factory.mktemp("dashboard")
    shared = base / "artifacts"
    server = launch_server(base / "server", STEPWELL_ARTIFACT_STORE_PATH=str(shared))
    try:
        env = {
            **os.environ,
            **server.client_env("member"),
            "STEPWELL_HOME": str(base / "client"),
            "STEPWELL_ARTIFACT_STORE_PATH": str(shared),
            "PYTHONPATH": str(_ROOT / "src"),
        }
        script = Path(__file__).parent / "dashboard" / "recorded_pipelines.py"
        done = subprocess.run(
            [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        yield server
    finally:
        server.stop()


# Package scope: Playwright's sync driver keeps an event loop marked running in this thread
# while it is open, which later (non-browser) tests must not see.
@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless. Missing, it fails the tests: CI installs it."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"The browser tests need Debian's chromium at {CHROMIUM}: install it with "
            "`apt-get install chromium` (.ci/run does), or point STEPWELL_TEST_CHROMIUM at one."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox"], headless=True
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser context (no cookies) and page; screenshot kept if the test fails."""
    context = browser.new_context(viewport={"width": 1366, "height": 850})
    opened = context.new_page()
    opened.set_default_timeout(10_000)
    yield opened
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        opened.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
