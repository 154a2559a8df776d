"""Paging and sorting options shared by the CLI's list commands (read layer).

`--size` (also `--limit`/`-n`), `--page` and `--sort-by` (also ZenML's `--sort_by`) map to
the `size`, `page` and `sort_by` arguments of the Client's list calls. `empty_text` is what an
empty list says: that nothing matches the filters, that the page is past the last one, or,
for a store that has none, how to make the first one.
"""

from __future__ import annotations

from typing import Any

import typer

SIZE_OPTION = typer.Option(
    50, "--size", "--limit", "-n", min=1, metavar="N", help="At most this many."
)
PAGE_OPTION = typer.Option(
    1, "--page", min=1, metavar="PAGE", help="Which page of --size items, from 1."
)
SORT_OPTION = typer.Option(
    None,
    "--sort-by",
    "--sort_by",
    metavar="FIELD",
    help="Field to sort by, e.g. 'desc:created' or 'asc:name'.",
)


def empty_text(noun: str, first_use: str, *filters: object, page: Any = 1) -> str:
    """What an empty list says, given the filters asked for and `page`: the list call's
    `Page` (or, where there is none, the page number asked for).

    - a page past the last of a list that has items: "Page 9 is past the last page (3).";
    - filters that match nothing: "No <noun> match the filters.";
    - nothing at all: `first_use`, which says how the first one is made.
    """
    narrowed = any(value is not None and value != [] and value != () for value in filters)
    index = int(getattr(page, "index", page))
    total = getattr(page, "total", None)
    if index > 1 and total:
        return f"Page {index} is past the last page ({int(page.total_pages)})."
    if narrowed:
        return f"No {noun} match the filters."
    if index > 1 and total is None:  # a page number alone: whether any exist is unknown
        return f"No {noun} on page {index}."
    return first_use


def more_pages_text(page: Any) -> str | None:
    """`Page 1 of 3 (120 rows): --page 2 for more`, for a table whose list has later pages
    (None on the last page). Printed on stderr, so scripts reading stdout never see it."""
    index, pages = int(page.index), int(page.total_pages)
    if index >= pages:
        return None
    return f"Page {index} of {pages} ({page.total} rows): --page {index + 1} for more"
