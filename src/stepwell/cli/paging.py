"""Paging and sorting options shared by the CLI's list commands (read layer).

`--size` (also `--limit`/`-n`), `--page` and `--sort-by` (also ZenML's `--sort_by`) map to
the `size`, `page` and `sort_by` arguments of the Client's list calls. `empty_text` is what an
empty list says: how to make the first one, unless a filter or a later page was asked for.
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


def empty_text(noun: str, first_use: str, *filters: object, page: int = 1) -> str:
    """What an empty list says: "No <noun> match." when a filter or a later page was asked
    for (there may well be some), else `first_use`, which says how the first one is made."""
    narrowed = any(value is not None and value != [] and value != () for value in filters)
    return f"No {noun} match." if narrowed or page > 1 else first_use


def more_pages_text(page: Any) -> str | None:
    """`Page 1 of 3 (120 rows): --page 2 for more`, for a table whose list has later pages
    (None on the last page). Printed on stderr, so scripts reading stdout never see it."""
    index, pages = int(page.index), int(page.total_pages)
    if index >= pages:
        return None
    return f"Page {index} of {pages} ({page.total} rows): --page {index + 1} for more"
