"""Fixtures for the model control plane tests: one fresh database per backend and a Client.

The PostgreSQL server and the database URL fixtures are the metadata store tests' own
(`tests/integration/store/conftest.py`), loaded from that file under a name of their own so
that both folders share one definition; `client` points the whole process (pipelines
included) at the database under test.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from stepwell.client import Client


def _store_fixtures():  # type: ignore[no-untyped-def]
    path = Path(__file__).resolve().parent.parent / "store" / "conftest.py"
    spec = importlib.util.spec_from_file_location("stepwell_store_test_fixtures", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


_shared = _store_fixtures()
postgres_server = _shared.postgres_server
postgres_url = _shared.postgres_url
sqlite_url = _shared.sqlite_url
store_url = _shared.store_url
make_version = _shared.make_version


@pytest.fixture
def client(store_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Client]:
    """A Client of a fresh database on each backend, which pipelines run here also use."""
    monkeypatch.setenv("STEPWELL_STORE_URL", store_url)
    active = importlib.import_module("stepwell.store.active")
    active.reset_store()
    yield Client()
    active.reset_store()
