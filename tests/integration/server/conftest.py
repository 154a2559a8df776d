"""Fixtures of the server tests: a real server process (see `live_server`) for the session,
and a switch that makes a test's stepwell talk to it."""

from __future__ import annotations

from typing import Any

import pytest
from live_server import RunningServer, launch_server


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One server for the session (request bodies limited to 256 KiB)."""
    running = launch_server(
        tmp_path_factory.mktemp("server-home"), STEPWELL_SERVER_MAX_BODY=256 * 1024
    )
    yield running
    running.stop()


@pytest.fixture
def use_server(server: RunningServer, monkeypatch: pytest.MonkeyPatch) -> RunningServer:
    """This test's stepwell (Client, pipelines) talks to `server` as a member."""
    import importlib

    for name, value in server.client_env("member").items():
        monkeypatch.setenv(name, value)
    importlib.import_module("stepwell.store.active").reset_store()
    return server
