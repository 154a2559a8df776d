"""The server's page-size cap on list routes, and `RestStore` reading past it page by page:
a real server process on its own SQLite store, records written straight into that store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from live_server import RunningServer, launch_server

from stepwell.store.rest.paging import MAX_PAGE_SIZE
from stepwell.store.rest.store import RestStore
from stepwell.store.sql.store import SqlStore

MORE_THAN_A_PAGE = MAX_PAGE_SIZE + 150


@pytest.fixture(scope="module")
def crowded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A server whose store holds more pipelines than one page may carry."""
    running = launch_server(Path(tmp_path_factory.mktemp("crowded-server")))
    store = SqlStore(running.store_url)
    for number in range(MORE_THAN_A_PAGE):
        store.get_or_create_pipeline(f"pipeline_{number:05d}")
    store.close()
    yield running
    running.stop()


@pytest.fixture
def rest_store(crowded_server: RunningServer) -> Iterator[Any]:
    store = RestStore(crowded_server.url, api_key=crowded_server.accounts["viewer"].api_key)
    yield store
    store.close()


def test_a_request_over_the_cap_is_refused_naming_the_cap(crowded_server: RunningServer) -> None:
    answer = crowded_server.http.get(
        "/api/v1/pipelines",
        params={"size": MAX_PAGE_SIZE + 1},
        headers=crowded_server.headers("viewer"),
    )
    assert answer.status_code == 400
    body = answer.json()
    assert body["error"] == "QueryError"
    assert f"limit of {MAX_PAGE_SIZE} items per page" in body["message"]


def test_a_request_at_the_cap_is_answered_in_full(crowded_server: RunningServer) -> None:
    answer = crowded_server.http.get(
        "/api/v1/pipelines",
        params={"size": MAX_PAGE_SIZE, "sort_by": "name"},
        headers=crowded_server.headers("viewer"),
    )
    assert answer.status_code == 200
    body = answer.json()
    assert len(body["items"]) == MAX_PAGE_SIZE
    assert body["total"] == MORE_THAN_A_PAGE


def test_the_client_reads_a_list_bigger_than_the_cap_in_full(rest_store: Any) -> None:
    page = rest_store.list_pipelines(size=1_000_000, sort_by="name")
    names = [pipeline.name for pipeline in page]
    assert names == [f"pipeline_{number:05d}" for number in range(MORE_THAN_A_PAGE)]
    assert (page.total, page.index, page.max_size, page.total_pages) == (
        MORE_THAN_A_PAGE,
        1,
        1_000_000,
        1,
    )


def test_a_later_big_page_holds_the_items_of_that_page(rest_store: Any) -> None:
    size = MAX_PAGE_SIZE // 2 + MAX_PAGE_SIZE  # not a multiple of the server's pages
    page = rest_store.list_pipelines(size=size, page=2, sort_by="name")
    names = [pipeline.name for pipeline in page]
    assert names == [f"pipeline_{number:05d}" for number in range(size, MORE_THAN_A_PAGE)]
    assert (page.total, page.index, page.max_size) == (MORE_THAN_A_PAGE, 2, size)
