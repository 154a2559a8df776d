"""The Client's list calls: pages of pipelines, runs, steps, artifacts, snapshots and stacks.

The "read" end of the define -> compile -> orchestrate -> launch -> store -> read flow. Each
call takes ZenML's query arguments and returns a `Page` that also behaves like the list these
calls returned before:

    Client().list_pipeline_runs(sort_by="desc:created", size=20, status="in:failed,stopped",
                                created="gt:2026-01-01 00:00:00", tags=["nightly"])

`sort_by` is `"<field>"`, `"asc:<field>"` or `"desc:<field>"`; any other keyword filters a
field, with an optional operator (`equals`, `notequals`, `contains`, `notcontains`,
`startswith`, `endswith`, `oneof`, `notoneof`, `in`, `gt`, `gte`, `lt`, `lte`, `isnull`,
`isnotnull`); `tags=[...]` (or `tag=`) keeps resources that carry every given tag. All of it
runs in SQL (see `stepwell.store.filters` and `stepwell.store.sql.listing`). The keywords
these calls took before (`descending`, `created_after`, `include_unlisted`, ...) still work.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from stepwell.client.base import ClientBase
from stepwell.enums import ExecutionStatus, LogicalOperators, StackComponentType
from stepwell.stack.active import ensure_default_stack
from stepwell.stack.registration import parse_component_type
from stepwell.store.liveness import checked
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

DEFAULT_PAGE_SIZE = 50
Operator = LogicalOperators | str


def _tags(tags: Any, tag: Any) -> list[Any] | None:
    """`tags` and `tag` together: every one must be on the resource."""
    listed = [] if tags is None else [tags] if isinstance(tags, str) else list(tags)
    if tag is not None:
        listed.append(tag)
    return listed or None


class ListsMixin(ClientBase):
    """Paged, sorted and filtered lists of every resource."""

    def list_pipelines(
        self,
        name: str | None = None,
        page: int = 1,
        size: int = DEFAULT_PAGE_SIZE,
        *,
        sort_by: str | None = None,
        logical_operator: Operator = "and",
        descending: bool | None = None,
        tags: Any = None,
        tag: str | None = None,
        hydrate: bool = False,
        **filters: Any,
    ) -> Page[PipelineResponse]:
        """Pipelines, oldest first unless `sort_by` says otherwise."""
        return self.store.list_pipelines(
            name=name,
            page=page,
            size=size,
            sort_by=sort_by,
            logical_operator=logical_operator,
            descending=descending,
            tags=_tags(tags, tag),
            **filters,
        )

    def list_pipeline_runs(
        self,
        pipeline_name: str | None = None,
        status: ExecutionStatus | str | None = None,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
        sort_by: str | None = None,
        descending: bool | None = None,
        page: int = 1,
        size: int = DEFAULT_PAGE_SIZE,
        include_unlisted: bool = True,
        *,
        logical_operator: Operator = "and",
        pipeline: str | UUID | None = None,
        pipeline_name_or_id: str | UUID | None = None,
        tags: Any = None,
        tag: str | None = None,
        hydrate: bool = False,
        **filters: Any,
    ) -> Page[PipelineRunResponse]:
        """Runs, newest first unless `sort_by` says otherwise.

        `pipeline` (or `pipeline_name_or_id`) is a pipeline's name, id or id prefix; a run
        whose orchestrator has died is marked failed as it is read.
        """
        owner = pipeline if pipeline is not None else pipeline_name_or_id
        if owner is not None and not isinstance(owner, UUID):
            owner = self.store.get_pipeline(owner).id
        runs = self.store.list_runs(
            pipeline=owner,
            created_after=created_after,
            created_before=created_before,
            include_unlisted=include_unlisted,
            pipeline_name=pipeline_name,
            status=status,
            sort_by=sort_by,
            descending=descending,
            page=page,
            size=size,
            logical_operator=logical_operator,
            tags=_tags(tags, tag),
            **filters,
        )
        return runs.map(lambda run: checked(self.store, run))

    def list_run_steps(
        self,
        sort_by: str | None = None,
        page: int = 1,
        size: int = DEFAULT_PAGE_SIZE,
        logical_operator: Operator = "and",
        *,
        pipeline_run_id: str | UUID | None = None,
        exclude_retried: bool | None = None,
        descending: bool | None = None,
        hydrate: bool = False,
        **filters: Any,
    ) -> Page[StepRunResponse]:
        """Step runs (every attempt), oldest first unless `sort_by` says otherwise."""
        return self.store.list_step_runs(
            pipeline_run_id=pipeline_run_id,
            exclude_retried=bool(exclude_retried),
            sort_by=sort_by,
            page=page,
            size=size,
            logical_operator=logical_operator,
            descending=descending,
            **filters,
        )

    def list_artifacts(
        self,
        page: int = 1,
        size: int = DEFAULT_PAGE_SIZE,
        *,
        sort_by: str | None = None,
        logical_operator: Operator = "and",
        descending: bool | None = None,
        tags: Any = None,
        tag: str | None = None,
        hydrate: bool = False,
        **filters: Any,
    ) -> Page[ArtifactResponse]:
        """Artifacts, oldest first unless `sort_by` says otherwise."""
        return self.store.list_artifacts(
            page=page,
            size=size,
            sort_by=sort_by,
            logical_operator=logical_operator,
            descending=descending,
            tags=_tags(tags, tag),
            **filters,
        )

    def list_artifact_versions(
        self,
        name: str | None = None,
        page: int = 1,
        size: int = DEFAULT_PAGE_SIZE,
        descending: bool | None = None,
        *,
        sort_by: str | None = None,
        logical_operator: Operator = "and",
        artifact: str | UUID | None = None,
        tags: Any = None,
        tag: str | None = None,
        hydrate: bool = False,
        **filters: Any,
    ) -> Page[ArtifactVersionResponse]:
        """Artifact versions; of artifact `name` by version number, else oldest first.

        `artifact` is an artifact's name or id; `version` filters by version string (`"3"`,
        `"v2"`), `version_number` by number.
        """
        return self.store.list_artifact_versions(
            name=name,
            artifact=artifact,
            page=page,
            size=size,
            sort_by=sort_by,
            logical_operator=logical_operator,
            descending=descending,
            tags=_tags(tags, tag),
            **filters,
        )

    def list_snapshots(
        self,
        pipeline_name_or_id: str | UUID | None = None,
        named_only: bool | None = True,
        page: int = 1,
        size: int = DEFAULT_PAGE_SIZE,
        *,
        sort_by: str | None = None,
        logical_operator: Operator = "and",
        descending: bool | None = None,
        pipeline: str | UUID | None = None,
        tags: Any = None,
        tag: str | None = None,
        hydrate: bool = False,
        **filters: Any,
    ) -> Page[SnapshotResponse]:
        """Snapshots, newest first (only named ones unless `named_only=False`)."""
        return self.store.list_snapshots(
            pipeline=pipeline if pipeline is not None else pipeline_name_or_id,
            named_only=bool(named_only),
            page=page,
            size=size,
            sort_by=sort_by,
            logical_operator=logical_operator,
            descending=descending,
            tags=_tags(tags, tag),
            **filters,
        )

    def list_stacks(
        self,
        name: str | None = None,
        *,
        sort_by: str | None = None,
        page: int = 1,
        size: int = DEFAULT_PAGE_SIZE,
        logical_operator: Operator = "and",
        descending: bool | None = None,
        component_id: str | UUID | None = None,
        hydrate: bool = False,
        **filters: Any,
    ) -> Page[StackResponse]:
        """Stacks (the default one included), by name unless `sort_by` says otherwise."""
        ensure_default_stack(self.store)
        return self.store.list_stacks(
            name=name,
            component_id=component_id,
            sort_by=sort_by,
            page=page,
            size=size,
            logical_operator=logical_operator,
            descending=descending,
            **filters,
        )

    def list_stack_components(
        self,
        component_type: StackComponentType | str | None = None,
        flavor: str | None = None,
        name: str | None = None,
        *,
        sort_by: str | None = None,
        page: int = 1,
        size: int = DEFAULT_PAGE_SIZE,
        logical_operator: Operator = "and",
        descending: bool | None = None,
        stack_id: str | UUID | None = None,
        hydrate: bool = False,
        **filters: Any,
    ) -> Page[StackComponentResponse]:
        """Registered components (the default ones included), by type, then name."""
        ensure_default_stack(self.store)
        if component_type is not None:
            filters.setdefault("type", parse_component_type(component_type).value)
        return self.store.list_stack_components(
            flavor=flavor,
            name=name,
            stack_id=stack_id,
            sort_by=sort_by,
            page=page,
            size=size,
            logical_operator=logical_operator,
            descending=descending,
            **filters,
        )
