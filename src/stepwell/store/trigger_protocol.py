"""Stores that start triggered runs themselves: the server's side of `trigger_pipeline`
(layer: store).

A triggered run starts in a runner process that imports the snapshot's code (see
`runs.trigger`). With a local `SqlStore` that process starts on the caller's host. A
`RestStore` instead asks its server, which checks the run configuration against the
snapshot and starts the runner on the server's host, with the server's own store and stack:
so a run triggered by a laptop, a CI job or the CLI runs where the team's server runs.
`runs.trigger.trigger` is the one place that tells the two apart, by this protocol.

Not part of the `Store` protocol: starting a process is not a store operation, and the
`SqlStore` (below the runs layer) could not implement it without importing upward.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable
from uuid import UUID

from stepwell.store.models import PipelineRunResponse

# The route, under /api/v1, that triggers a snapshot on the server (role: member).
TRIGGER_PATH = "/snapshots/{snapshot_id}/trigger"


@runtime_checkable
class RemoteTrigger(Protocol):
    """A store whose server starts triggered runs on its own host."""

    def trigger_snapshot(
        self, snapshot_id: UUID, run_configuration: dict[str, Any]
    ) -> PipelineRunResponse:
        """Start a run of the snapshot on the server with `run_configuration` (a run
        configuration as JSON data, checked by the server before anything starts); the new
        run, as soon as it is recorded."""
        ...
