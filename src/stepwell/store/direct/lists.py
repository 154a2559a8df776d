"""Unfiltered lists on the direct path: runs, pipelines, artifacts and stacks, one page each
in the default order (see `SqlStore`'s methods of the same names in `stepwell.store.sql.lists`).
A filter, a sort, tags or an odd argument sends the call to `SqlStore`, which knows them all.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from stepwell.store.direct import statements as sql
from stepwell.store.direct.base import HANDED_OVER, DirectBase
from stepwell.store.direct.rows import read_rows
from stepwell.store.models import (
    ArtifactResponse,
    PipelineResponse,
    PipelineRunResponse,
    StackComponentResponse,
    StackResponse,
)
from stepwell.store.page import Page
from stepwell.store.row_conversions import (
    artifact_response,
    component_response,
    pipeline_response,
    run_response,
    stack_response,
)

DEFAULT_PAGE_SIZE = 50  # `SqlStore`'s lists'; a test checks that the two agree
T = TypeVar("T")


def plain_page(arguments: dict[str, Any], **flags: Any) -> tuple[int, int] | None:
    """(page, size) of a list call with no filter, sort or tags, else None. `flags` are the
    arguments allowed to differ from their defaults here (their values are checked by the
    caller). Filters given as None are no filters, as `SqlStore` reads them."""
    given = {key: value for key, value in arguments.items() if key not in flags}
    page, size = given.pop("page", 1), given.pop("size", DEFAULT_PAGE_SIZE)
    if given.pop("logical_operator", "and") not in ("and", "or"):
        return None
    if given.pop("descending", None) is not None:
        return None
    if any(value is not None for value in given.values()):
        return None
    if type(page) is not int or type(size) is not int or page < 1 or size < 1:
        return None
    return page, size


def _read_page(
    connection: sqlite3.Connection,
    statements: tuple[str, str],
    page: int,
    size: int,
    where: tuple[Any, ...],
) -> tuple[list[dict[str, Any]], int]:
    """The rows of one page, and how many there are in all (no count on a short first page);
    `where`: the values of the statements' own conditions."""
    rows_statement, count_statement = statements
    rows = read_rows(connection.execute(rows_statement, (*where, size, (page - 1) * size)))
    if page == 1 and len(rows) < size:
        return rows, len(rows)
    return rows, connection.execute(count_statement, where).fetchone()[0]


def _plain_name(value: Any) -> bool:
    """Whether a name filter is a plain name: no operator (`contains:...`), no padding."""
    return isinstance(value, str) and ":" not in value and value == value.strip() and value != ""


class ListMethods(DirectBase):
    """Unfiltered pages of runs, pipelines, artifacts and stacks."""

    def _page(
        self,
        method: str,
        arguments: dict[str, Any],
        statements: tuple[str, str],
        convert: Callable[[sqlite3.Connection, list[dict[str, Any]]], list[T]],
        where: tuple[Any, ...] = (),
        **flags: Any,
    ) -> Page[T]:
        asked = plain_page(arguments, **flags)
        if asked is None:
            return self.handed_over(method, **arguments)
        page, size = asked
        try:
            with self._direct.read() as connection:
                rows, total = _read_page(connection, statements, page, size, where)
                items = convert(connection, rows)
        except HANDED_OVER:
            return self.handed_over(method, **arguments)
        return Page.of(items, total=total, index=page, max_size=size)

    def list_runs(self, **arguments: Any) -> Page[PipelineRunResponse]:
        """Runs, newest first (`include_unlisted=False`: only listed ones; `pipeline_name`:
        only that pipeline's, when it is a plain name)."""
        include_unlisted = arguments.get("include_unlisted", True)
        pipeline_name = arguments.get("pipeline_name")
        if type(include_unlisted) is not bool:
            return self.handed_over("list_runs", **arguments)
        if pipeline_name is not None and (not _plain_name(pipeline_name) or not include_unlisted):
            return self.handed_over("list_runs", **arguments)
        statements = sql.RUNS_PAGE if include_unlisted else sql.LISTED_RUNS_PAGE
        if pipeline_name is not None:
            statements = sql.RUNS_OF_PIPELINE_PAGE
        return self._page(
            "list_runs",
            arguments,
            statements,
            lambda _connection, rows: [run_response(row, self) for row in rows],
            where=(pipeline_name,) if pipeline_name is not None else (),
            include_unlisted=True,
            pipeline_name=None,
        )

    def list_pipelines(self, **arguments: Any) -> Page[PipelineResponse]:
        """Pipelines, oldest first."""
        return self._page(
            "list_pipelines",
            arguments,
            sql.PIPELINES_PAGE,
            lambda _connection, rows: [pipeline_response(row, self) for row in rows],
        )

    def list_artifacts(self, **arguments: Any) -> Page[ArtifactResponse]:
        """Artifacts, oldest first."""
        return self._page(
            "list_artifacts",
            arguments,
            sql.ARTIFACTS_PAGE,
            lambda _connection, rows: [artifact_response(row, self) for row in rows],
        )

    def list_stacks(self, **arguments: Any) -> Page[StackResponse]:
        """Stacks by name, with their components."""
        return self._page("list_stacks", arguments, sql.STACKS_PAGE, self._with_components)

    def _with_components(
        self, connection: sqlite3.Connection, rows: list[dict[str, Any]]
    ) -> list[StackResponse]:
        parts: dict[Any, list[StackComponentResponse]] = {row["id"]: [] for row in rows}
        for stack_id in parts:
            found = connection.execute(sql.COMPONENTS_OF_STACK, (stack_id.hex,))
            parts[stack_id] = [component_response(part, self) for part in read_rows(found)]
        return [stack_response(row, parts[row["id"]], self) for row in rows]
