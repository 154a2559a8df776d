"""The Client's snapshots and triggered runs."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from stepwell.client.base import ClientBase
from stepwell.store.models import PipelineRunResponse, SnapshotResponse
from stepwell.store.page import Page


class SnapshotsMixin(ClientBase):
    """Named snapshots of pipelines, and triggering runs of them."""

    def get_snapshot(self, name_or_id: str | UUID) -> SnapshotResponse:
        """A snapshot by id, id prefix or (unambiguous) name."""
        return self.store.get_snapshot(name_or_id)

    def list_run_templates(
        self,
        sort_by: str = "created",
        page: int = 1,
        size: int = 50,
        logical_operator: str = "and",
        name: str | None = None,
        pipeline: str | UUID | None = None,
        hidden: bool | None = False,
        hydrate: bool = False,
        **filters: Any,
    ) -> Page[SnapshotResponse]:
        """ZenML's run templates (a named, triggerable pipeline configuration; ZenML 0.98
        builds them on snapshots and deprecates triggering them): here they are the named
        snapshots, so this is `list_snapshots(named_only=True)`. `hidden` is accepted for
        ZenML's signature (no snapshot is hidden)."""
        if name is not None:
            filters["name"] = name
        return self.store.list_snapshots(
            pipeline=pipeline, named_only=True, sort_by=sort_by, page=page, size=size,
            logical_operator=logical_operator, **filters,
        )  # fmt: skip

    def update_snapshot(
        self, name_or_id: str | UUID, name: str | None = None, description: str | None = None
    ) -> SnapshotResponse:
        """Rename a snapshot or change its description."""
        snapshot = self.get_snapshot(name_or_id)
        return self.store.update_snapshot(snapshot.id, name=name, description=description)

    def delete_snapshot(self, name_or_id: str | UUID) -> None:
        """Delete a snapshot; runs made from it are kept. Its code archive (and unpacked
        copy) goes too once no other snapshot uses it."""
        from stepwell.snapshots.code_cleanup import remove_code_of

        snapshot = self.get_snapshot(name_or_id)
        self.store.delete_snapshot(snapshot.id)
        if snapshot.code_uri:
            remove_code_of(self.store, snapshot.code_uri)

    def prune_code_archives(self, min_age_seconds: float = 3600.0) -> list[str]:
        """Remove code archives no snapshot references (older than `min_age_seconds`, so a
        snapshot being made now keeps its archive) and their unpacked copies; returns the
        archives removed."""
        from stepwell.snapshots.code_cleanup import prune_code

        return prune_code(self.store, min_age_seconds)

    def trigger_pipeline(
        self,
        snapshot_name_or_id: str | UUID | None = None,
        pipeline_name_or_id: str | UUID | None = None,
        run_configuration: Any = None,
        synchronous: bool = False,
        timeout: float | None = None,
    ) -> PipelineRunResponse | None:
        """Run a snapshot (or a pipeline's newest named snapshot) in a fresh process.

        `run_configuration` (a dict or `PipelineRunConfiguration`) outranks the snapshot's
        configuration. Returns the run at once, or the finished run when `synchronous`;
        None when called while stepwell imports the calling module to run it. With a
        stepwell server configured, the server checks the configuration and runs the
        snapshot on its own host.
        """
        from stepwell.runs.trigger import find_snapshot, trigger

        snapshot = find_snapshot(self.store, snapshot_name_or_id, pipeline_name_or_id)
        return trigger(self.store, snapshot, run_configuration, synchronous, timeout)
