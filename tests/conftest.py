"""Shared fixtures: every test gets its own stepwell home (store + artifacts) in tmp_path."""

from __future__ import annotations

import importlib

import pytest


def _reset_active_store() -> None:
    try:
        active = importlib.import_module("stepwell.store.active")
    except ModuleNotFoundError:
        return
    active.reset_store()


@pytest.fixture(autouse=True)
def stepwell_home(tmp_path, monkeypatch):
    """An isolated STEPWELL_HOME for each test; nothing leaks between tests."""
    home = tmp_path / "stepwell-home"
    monkeypatch.setenv("STEPWELL_HOME", str(home))
    for name in (
        "STEPWELL_STORE_URL",
        "STEPWELL_ARTIFACT_STORE_PATH",
        "STEPWELL_ENFORCE_TYPE_ANNOTATIONS",
        "STEPWELL_RUN_SINGLE_STEPS_WITHOUT_STACK",
        "STEPWELL_DEBUG",
        "STEPWELL_ACTIVE_STACK",
    ):
        monkeypatch.delenv(name, raising=False)
    _reset_active_store()
    yield home
    _reset_active_store()
