"""`get_store()`: one store per process and URL, cheap to ask for again."""

from __future__ import annotations

import time

import pytest

from stepwell.config import environment
from stepwell.store import active
from stepwell.store.active import get_store, reset_store
from stepwell.store.sql import SqlStore


@pytest.fixture(autouse=True)
def _fresh_store(monkeypatch, tmp_path):
    monkeypatch.delenv(environment.ENV_STORE_URL, raising=False)
    monkeypatch.setenv(environment.ENV_HOME, str(tmp_path / "home"))
    reset_store()
    yield
    reset_store()


def test_get_store_is_cached_per_url(monkeypatch, tmp_path):
    store = get_store()
    assert isinstance(store, SqlStore)
    assert store.url == f"sqlite:///{tmp_path / 'home' / 'stepwell.db'}"
    assert get_store() is store

    other_url = f"sqlite:///{tmp_path / 'other' / 'metadata.db'}"
    monkeypatch.setenv(environment.ENV_STORE_URL, other_url)
    other = get_store()
    assert other is not store
    assert other.url == other_url
    assert get_store() is other

    monkeypatch.delenv(environment.ENV_STORE_URL)
    back = get_store()
    assert back.url == store.url
    assert back is not other


def test_reset_store_makes_a_new_one():
    first = get_store()
    first.get_or_create_pipeline("kept")
    reset_store()
    second = get_store()
    assert second is not first
    assert second.get_pipeline("kept").name == "kept"


def test_same_url_from_another_folder_keeps_the_store(monkeypatch, tmp_path):
    store = get_store()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # STEPWELL_HOME still decides the URL
    assert get_store() is store


def test_repeated_calls_are_cheap():
    get_store()
    calls = 20_000
    started = time.perf_counter()
    for _ in range(calls):
        get_store()
    per_call = (time.perf_counter() - started) / calls
    assert per_call < 50e-6, f"get_store() took {per_call * 1e6:.1f} us per call"
    assert active._current is not None
