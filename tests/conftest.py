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


@pytest.fixture
def stepwell_logs(caplog):
    """`caplog`, also capturing stepwell's own logger (which does not propagate: pytest
    attaches to it only if it was configured before the test began)."""
    from stepwell.logger import get_logger

    logger = get_logger()
    added = caplog.handler not in logger.handlers
    if added:
        logger.addHandler(caplog.handler)
    yield caplog
    if added:
        logger.removeHandler(caplog.handler)


@pytest.fixture
def user_module(tmp_path, monkeypatch):
    """Write and import a user's module: `user_module(source, prefix)` puts it in a project
    folder that is importable and the source root (of snapshots, code hashing), under a
    fresh name; the module is forgotten after the test."""
    import sys
    import textwrap
    import time

    folder = tmp_path / "project"
    folder.mkdir()
    monkeypatch.setenv("STEPWELL_SOURCE_ROOT", str(folder))
    monkeypatch.syspath_prepend(str(folder))
    names: list[str] = []

    def write(source: str, prefix: str = "user_module"):
        name = f"{prefix}_{time.monotonic_ns()}"
        (folder / f"{name}.py").write_text(textwrap.dedent(source))
        names.append(name)
        return importlib.import_module(name)

    yield write
    for name in names:
        sys.modules.pop(name, None)
