"""Stopping a run: record the stop request in the store, then signal the run's process.

The stop request (`stop_requested_at`) is written first, for two reasons:

- On a server (a `RestStore`) the write goes through the server, which checks the caller's
  role: a viewer gets the server's role error and nothing is signalled. Signalling first
  would let anyone who can reach the process's host stop any run, whatever their role.
- The run reads the request with its next heartbeat, so a run whose process ignores the
  signal (started in the background of a script, say) still stops.

Then, when the orchestrating process is certainly the run's (this host, the recorded start
token; see `stepwell.utils.processes`), it is also sent SIGINT so the stop lands at once
instead of at the next heartbeat. A member on the same host thus pays one store write (a
single request to the server) before the signal, and keeps the immediate stop.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass
from datetime import datetime, timezone

from stepwell.exceptions import StepwellError
from stepwell.store.base import Store
from stepwell.store.models import PipelineRunResponse
from stepwell.utils.processes import signal_recorded_process


@dataclass(frozen=True)
class StopOutcome:
    """What a stop did: the run with its stop request recorded, and why its process was not
    signalled (None when it was)."""

    run: PipelineRunResponse
    not_signalled_because: str | None

    @property
    def signalled(self) -> bool:
        """Whether the run's orchestrating process was sent SIGINT."""
        return self.not_signalled_because is None


def stop_run(store: Store, run: PipelineRunResponse) -> StopOutcome:
    """Record a stop request for `run` (authorised by the store: a server checks the role),
    then signal its orchestrating process when that is certainly the run's."""
    if run.status.is_finished:
        raise StepwellError(f"Run '{run.name}' has already ended ({run.status.value}).")
    recorded = store.update_run(run.id, stop_requested_at=datetime.now(timezone.utc))
    why_not = signal_recorded_process(
        run.orchestrator_pid,
        run.orchestrator_host,
        run.orchestrator_start_token,
        signal.SIGINT,
    )
    return StopOutcome(run=recorded, not_signalled_because=why_not)
