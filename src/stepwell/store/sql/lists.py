"""The list calls of the SQL metadata store: filtered, sorted, paged (layer: store).

The "read" end of the define -> compile -> orchestrate -> launch -> store -> read flow. Each
method takes ZenML's query arguments (`sort_by`, `page`, `size`, `logical_operator`, field
filters with operators, `tags`), plus the keywords stepwell's list calls took before
(`descending`, `created_after`, `include_unlisted`, ...), and returns a `Page`. Parsing lives
in `store.filters`, SQL building in `store.sql.listing`, and what each resource can be
filtered by in `store.sql.listings`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from sqlalchemy import Connection, select

from stepwell.enums import ExecutionStatus
from stepwell.store.models import (
    ArtifactResponse,
    ArtifactVersionResponse,
    PipelineResponse,
    PipelineRunResponse,
    SnapshotResponse,
    StackComponentResponse,
    StackResponse,
    StepRunResponse,
)
from stepwell.store.page import Page
from stepwell.store.row_conversions import (
    Row,
    artifact_response,
    component_response,
    pipeline_response,
    run_response,
    snapshot_response,
    version_response,
)
from stepwell.store.sql.common import SqlStoreBase
from stepwell.store.sql.listing import Listing, read_page
from stepwell.store.sql.listing import each as _each
from stepwell.store.sql.listings import (
    ARTIFACT_LISTING,
    COMPONENT_LISTING,
    PIPELINE_LISTING,
    RUN_LISTING,
    SNAPSHOT_LISTING,
    STACK_LISTING,
    STEP_RUN_LISTING,
    VERSION_LISTING,
)
from stepwell.store.sql.queries import parse_uuid, resolve
from stepwell.store.sql.tables import PIPELINES, SNAPSHOTS, STACK_COMPOSITION, STACKS, STEP_RUNS

_DEFAULT_SIZE = 50


def _sort(sort_by: str | None, field: str, descending_by_default: bool, descending: Any) -> str:
    """`sort_by`, or the resource's default sort (turned around by an explicit `descending`)."""
    if sort_by is not None:
        if descending is None or ":" in sort_by:
            return sort_by
        return f"{'desc' if descending else 'asc'}:{sort_by}"
    backwards = descending_by_default if descending is None else bool(descending)
    return f"{'desc' if backwards else 'asc'}:{field}"


def _add(filters: dict[str, Any], key: str, value: Any) -> None:
    """Add a filter on `key`, next to any given already (both must hold)."""
    if value is None:
        return
    current = filters.get(key)
    if current is None:
        filters[key] = value
    else:
        listed = list(current) if isinstance(current, list | tuple) else [current]
        filters[key] = [*listed, value]


def _name_or_id(filters: dict[str, Any], value: Any, id_field: str, name_field: str) -> None:
    """A filter on a related resource given by name (operators allowed) or full id."""
    if value is None:
        return
    if isinstance(value, UUID) or (isinstance(value, str) and parse_uuid(value) is not None):
        _add(filters, id_field, str(value))
    else:
        _add(filters, name_field, value)


def _after(moment: datetime | None, op: str) -> str | None:
    return None if moment is None else f"{op}:{moment.isoformat()}"


T = TypeVar("T")


class ListMethods(SqlStoreBase):
    """The list calls of `SqlStore`."""

    if TYPE_CHECKING:  # provided by StackMethods and StepRunMethods in the assembled store

        def _stacks(self, connection: Connection, rows: Sequence[Row]) -> list[StackResponse]: ...
        def _with_links(
            self, connection: Connection, rows: Sequence[Row], run_id: UUID | None = None
        ) -> list[StepRunResponse]: ...

    def _page(
        self,
        listing: Listing,
        filters: dict[str, Any],
        sort_by: str,
        page: int,
        size: int,
        logical_operator: Any,
        convert: Callable[[Connection, list[Any]], list[T]],
        tags: Any = None,
        extra: Sequence[Any] = (),
    ) -> Page[T]:
        return read_page(
            self._db, listing, filters, sort_by, page, size, logical_operator, convert, tags, extra
        )

    def list_pipelines(
        self,
        *,
        sort_by: str | None = None,
        page: int = 1,
        size: int = _DEFAULT_SIZE,
        logical_operator: Any = "and",
        descending: bool | None = None,
        tags: Any = None,
        **filters: Any,
    ) -> Page[PipelineResponse]:
        """Pipelines matching the filters; oldest first by default."""
        order = _sort(sort_by, "created", False, descending)
        return self._page(
            PIPELINE_LISTING,
            filters,
            order,
            page,
            size,
            logical_operator,
            _each(lambda row: pipeline_response(row, self._store())),
            tags=tags,
        )

    def list_runs(
        self,
        *,
        sort_by: str | None = None,
        page: int = 1,
        size: int = _DEFAULT_SIZE,
        logical_operator: Any = "and",
        descending: bool | None = None,
        tags: Any = None,
        pipeline: str | UUID | None = None,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        include_unlisted: bool = True,
        **filters: Any,
    ) -> Page[PipelineRunResponse]:
        """Runs matching the filters; newest first by default.

        `pipeline` is a pipeline name (operators allowed) or id; `created_after`/`_before`
        and `include_unlisted=False` are shorthands for `created=` and `is_unlisted=` filters.
        """
        _name_or_id(filters, pipeline, "pipeline_id", "pipeline_name")
        _add(filters, "created", _after(created_after, "gt"))
        _add(filters, "created", _after(created_before, "lt"))
        if not include_unlisted:
            _add(filters, "is_unlisted", False)
        order = _sort(sort_by, "created", True, descending)
        return self._page(
            RUN_LISTING,
            filters,
            order,
            page,
            size,
            logical_operator,
            _each(lambda row: run_response(row, self._store())),
            tags=tags,
        )

    def list_step_runs(
        self,
        *,
        sort_by: str | None = None,
        page: int = 1,
        size: int = _DEFAULT_SIZE,
        logical_operator: Any = "and",
        descending: bool | None = None,
        exclude_retried: bool = False,
        **filters: Any,
    ) -> Page[StepRunResponse]:
        """Step runs (every attempt; `exclude_retried=True` drops the ones retried after)."""
        extra = [STEP_RUNS.c.status != ExecutionStatus.RETRIED.value] if exclude_retried else []
        order = _sort(sort_by, "created", False, descending)
        return self._page(
            STEP_RUN_LISTING,
            filters,
            order,
            page,
            size,
            logical_operator,
            self._with_links,
            extra=extra,
        )

    def list_artifacts(
        self,
        *,
        sort_by: str | None = None,
        page: int = 1,
        size: int = _DEFAULT_SIZE,
        logical_operator: Any = "and",
        descending: bool | None = None,
        tags: Any = None,
        **filters: Any,
    ) -> Page[ArtifactResponse]:
        """Artifacts matching the filters; oldest first by default."""
        order = _sort(sort_by, "created", False, descending)
        return self._page(
            ARTIFACT_LISTING,
            filters,
            order,
            page,
            size,
            logical_operator,
            _each(lambda row: artifact_response(row, self._store())),
            tags=tags,
        )

    def list_artifact_versions(
        self,
        *,
        sort_by: str | None = None,
        page: int = 1,
        size: int = _DEFAULT_SIZE,
        logical_operator: Any = "and",
        descending: bool | None = None,
        tags: Any = None,
        artifact: str | UUID | None = None,
        **filters: Any,
    ) -> Page[ArtifactVersionResponse]:
        """Artifact versions matching the filters (`name` is the artifact's name).

        By default: by version number when filtered by `name`, else oldest first.
        """
        _name_or_id(filters, artifact, "artifact_id", "name")
        default = "version_number" if filters.get("name") is not None else "created"
        order = _sort(sort_by, default, False, descending)
        return self._page(
            VERSION_LISTING,
            filters,
            order,
            page,
            size,
            logical_operator,
            _each(lambda row: version_response(row, row["artifact_name"], self._store())),
            tags=tags,
        )

    def list_snapshots(
        self,
        *,
        sort_by: str | None = None,
        page: int = 1,
        size: int = _DEFAULT_SIZE,
        logical_operator: Any = "and",
        descending: bool | None = None,
        tags: Any = None,
        pipeline: str | UUID | None = None,
        named_only: bool = False,
        **filters: Any,
    ) -> Page[SnapshotResponse]:
        """Snapshots, newest first by default; `pipeline` is a name, id or id prefix."""
        extra: list[Any] = []
        if named_only:
            extra.append(SNAPSHOTS.c.name.is_not(None))
        if pipeline is not None:
            with self._db.read() as connection:
                owner = resolve(connection, PIPELINES, pipeline, "pipeline")
            extra.append(SNAPSHOTS.c.pipeline_id == owner["id"])
        order = _sort(sort_by, "created", True, descending)
        return self._page(
            SNAPSHOT_LISTING,
            filters,
            order,
            page,
            size,
            logical_operator,
            _each(lambda row: snapshot_response(row, row["pipeline_name"], self._store())),
            tags=tags,
            extra=extra,
        )

    def list_stacks(
        self,
        *,
        sort_by: str | None = None,
        page: int = 1,
        size: int = _DEFAULT_SIZE,
        logical_operator: Any = "and",
        descending: bool | None = None,
        component_id: str | UUID | None = None,
        **filters: Any,
    ) -> Page[StackResponse]:
        """Stacks with their components, by name by default; `component_id`: only its users."""
        extra: list[Any] = []
        if component_id is not None:
            users = select(STACK_COMPOSITION.c.stack_id).where(
                STACK_COMPOSITION.c.component_id == UUID(str(component_id))
            )
            extra.append(STACKS.c.id.in_(users))
        order = _sort(sort_by, "name", False, descending)
        return self._page(
            STACK_LISTING, filters, order, page, size, logical_operator, self._stacks, extra=extra
        )

    def list_stack_components(
        self,
        *,
        sort_by: str | None = None,
        page: int = 1,
        size: int = _DEFAULT_SIZE,
        logical_operator: Any = "and",
        descending: bool | None = None,
        stack_id: str | UUID | None = None,
        **filters: Any,
    ) -> Page[StackComponentResponse]:
        """Stack components, by type then name by default; `stack_id`: only that stack's."""
        extra: list[Any] = []
        if stack_id is not None:
            parts = select(STACK_COMPOSITION.c.component_id).where(
                STACK_COMPOSITION.c.stack_id == UUID(str(stack_id))
            )
            extra.append(COMPONENT_LISTING.id_column.in_(parts))
        order = _sort(sort_by, "type", False, descending)
        return self._page(
            COMPONENT_LISTING,
            filters,
            order,
            page,
            size,
            logical_operator,
            _each(lambda row: component_response(row, self._store())),
            extra=extra,
        )
