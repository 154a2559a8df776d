"""A server of its own for the step, artifact, snapshot and platform page tests: these tests
start runs and change schedules, which the other dashboard tests must not see."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pages_server import PagesServer, serve_pages


@pytest.fixture(scope="session")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PagesServer]:
    """The server with `pages_records` recorded in it."""
    yield from serve_pages(tmp_path_factory.mktemp("pages"))
