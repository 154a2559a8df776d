"""The server's page-size cap on list calls, and the client's way around it (layer: store).

A list route answers at most `MAX_PAGE_SIZE` items per request: one call cannot make the
server read, encode and hold a whole store in memory. A request asking for more (`size`
above the cap) is refused with 400 `QueryError` naming the cap, never silently clamped: a
clamped answer would look complete to a client that does not check `total`.

`RestStore` keeps `Store` semantics for its callers: a list call with a bigger `size` is
sent as consecutive pages of `MAX_PAGE_SIZE` (`read_in_pages`) and joined into the one page
the caller asked for. Pages read one after another are not one snapshot of the store: a
record written meanwhile can shift the pages by one item.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stepwell.exceptions import QueryError
from stepwell.store.rest.endpoints import Endpoint, signature

MAX_PAGE_SIZE = 1000


def is_paged(endpoint: Endpoint) -> bool:
    """Whether the endpoint is a list call that takes `page` and `size`."""
    parameters, _ = signature(endpoint.method)
    return endpoint.in_query and any(p.variadic or p.name == "size" for p in parameters)


def check_page_size(endpoint: Endpoint, arguments: dict[str, Any]) -> None:
    """Refuse a list request for more than `MAX_PAGE_SIZE` items per page."""
    size = arguments.get("size")
    if isinstance(size, int) and size > MAX_PAGE_SIZE and is_paged(endpoint):
        raise QueryError(
            f"size={size} is over this server's limit of {MAX_PAGE_SIZE} items per page "
            f"({endpoint.method}); ask for size <= {MAX_PAGE_SIZE} and read the next pages "
            "with page=2, 3, ... (stepwell's own client does this for you)."
        )


def read_in_pages(
    fetch: Callable[[int, int], Any], page: int, size: int, limit: int = MAX_PAGE_SIZE
) -> tuple[list[Any], int]:
    """Items `(page - 1) * size` to `page * size` (exclusive) and the total, read with
    `fetch(page, size)` (it returns a `Page`) in pages of at most `limit` items."""
    start = (page - 1) * size
    end = start + size
    items: list[Any] = []
    total = 0
    server_page = start // limit + 1
    while True:
        answer = fetch(server_page, limit)
        total = answer.total
        first = (server_page - 1) * limit
        items.extend(answer.items[max(0, start - first) : max(0, end - first)])
        server_page += 1
        if (server_page - 1) * limit >= min(end, total) or len(answer.items) < limit:
            return items, total
