"""The Client's pipelines and runs: look up, list, wait for, stop and delete them."""

from __future__ import annotations

from datetime import datetime, timezone
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

        The run's orchestrating process is sent SIGINT only when it is certainly that process:
        on this host, with the recorded start token (`stepwell.utils.processes`). Otherwise,
        on another machine or when the record cannot be trusted, a stop request is recorded
        in the store instead (`stop_requested_at`), which the process reads with its next
        heartbeat. Returns the run as it is now (`run.wait()` waits for the stop to land).
        """
        import signal

        from stepwell.exceptions import StepwellError
        from stepwell.utils.processes import signal_recorded_process

        run = self.get_pipeline_run(name_or_id)
        if run.status.is_finished:
            raise StepwellError(f"Run '{run.name}' has already ended ({run.status.value}).")
        why_not = signal_recorded_process(
            run.orchestrator_pid,
            run.orchestrator_host,
            run.orchestrator_start_token,
            signal.SIGINT,
        )
        if why_not is None:
            return run
        logger.info(
            "Not signalling the orchestrating process of run %s (%s); recorded a stop "
            "request, which the run reads with its next heartbeat.",
            run.name,
            why_not,
        )
        return self.store.update_run(run.id, stop_requested_at=datetime.now(timezone.utc))

    def delete_pipeline_run(self, name_or_id: str | UUID) -> None:
        """Delete a run and its step runs; artifact bytes go only when nothing else uses them."""
        from stepwell.store.artifact_roots import log_uris_of_run, remove_run_files

        run = self.get_pipeline_run(name_or_id)
        logs = log_uris_of_run(self.store, run.id)
        # Only inside the known artifact stores: rows of a shared store may name any path.
        remove_run_files(self.store, self.store.delete_run(run.id), logs)
