"""The Client's pipelines and runs: look up, list, wait for, stop and delete them."""

from __future__ import annotations

from uuid import UUID

from stepwell.client.base import ClientBase
from stepwell.logger import get_logger
from stepwell.store.liveness import checked, wait_for_run
from stepwell.store.models import PipelineResponse, PipelineRunResponse

logger = get_logger(__name__)


class PipelinesMixin(ClientBase):
    """Pipelines and their runs."""

    def get_pipeline(self, name_or_id: str | UUID) -> PipelineResponse:
        return self.store.get_pipeline(name_or_id)

    def delete_pipeline(self, name_or_id: str | UUID) -> None:
        """Delete a pipeline with all its runs (artifact bytes that nothing else uses go too)."""
        pipeline = self.get_pipeline(name_or_id)
        for run in self.store.list_runs(pipeline=pipeline.name, size=1_000_000):
            self.delete_pipeline_run(run.id)
        self.store.delete_pipeline(pipeline.id)

    def get_pipeline_run(self, name_or_id: str | UUID) -> PipelineRunResponse:
        """A run by name, id or unique id prefix (a run found dead is marked failed first)."""
        return checked(self.store, self.store.get_run(name_or_id))

    def wait_for_pipeline_run(
        self, name_or_id: str | UUID, timeout: float | None = None, poll_interval: float = 0.2
    ) -> PipelineRunResponse:
        """Block until a run has finished; return its final record."""
        run = self.store.get_run(name_or_id)
        return wait_for_run(self.store, run.id, timeout, poll_interval)

    def stop_pipeline_run(self, name_or_id: str | UUID) -> PipelineRunResponse:
        """Ask a running run to stop (as Ctrl-C would): its running steps end `stopped`.

        A stop request is recorded in the store first (`stop_requested_at`; on a server this
        is where the caller's role is checked, so a viewer gets the server's role error and
        nothing is signalled); the run reads it with its next heartbeat. When the run's
        orchestrating process is certainly that process (on this host, with the recorded start
        token; `stepwell.utils.processes`), it is also sent SIGINT so the stop lands at once.
        Returns the run as it is now (`run.wait()` waits for the stop to land).
        """
        from stepwell.runs.stopping import stop_run

        outcome = stop_run(self.store, self.get_pipeline_run(name_or_id))
        if not outcome.signalled:
            logger.info(
                "Not signalling the orchestrating process of run %s (%s); it stops at its "
                "next heartbeat.",
                outcome.run.name,
                outcome.not_signalled_because,
            )
        return outcome.run

    def delete_pipeline_run(self, name_or_id: str | UUID) -> None:
        """Delete a run and its step runs; artifact bytes go only when nothing else uses them."""
        from stepwell.store.artifact_roots import log_uris_of_run, remove_run_files

        run = self.get_pipeline_run(name_or_id)
        logs = log_uris_of_run(self.store, run.id)
        # Only inside the known artifact stores: rows of a shared store may name any path.
        remove_run_files(self.store, self.store.delete_run(run.id), logs)
