"""Paging and sorting options shared by the CLI's list commands (read layer).

`--size` (also `--limit`/`-n`), `--page` and `--sort-by` (also ZenML's `--sort_by`) map to
the `size`, `page` and `sort_by` arguments of the Client's list calls.
"""

from __future__ import annotations

import typer

SIZE_OPTION = typer.Option(50, "--size", "--limit", "-n", min=1, help="At most this many.")
PAGE_OPTION = typer.Option(1, "--page", min=1, help="Which page of --size items, from 1.")
SORT_OPTION = typer.Option(
    None,
    "--sort-by",
    "--sort_by",
    help="Field to sort by, e.g. 'desc:created' or 'asc:name'.",
)
