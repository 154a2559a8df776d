"""The Client's step runs and cache explanations."""

from __future__ import annotations

from uuid import UUID

from stepwell.client.base import ClientBase
from stepwell.enums import ExecutionStatus
from stepwell.execution.cache_changes import describe_changes
from stepwell.execution.cache_explain import CacheExplanation, explain_step_run
from stepwell.store.models import StepRunResponse


class StepsMixin(ClientBase):
    """Step runs and why they were (not) cached."""

    def get_run_step(self, step_run_id: UUID | str) -> StepRunResponse:
        return self.store.get_step_run(UUID(str(step_run_id)))

    def explain_cache_miss(self, old: StepRunResponse, new: StepRunResponse) -> list[str]:
        """How the cache key differs between two step runs, one line per changed part, with
        old and new values where the store keeps them (`parameter 'lr': 0.1 -> 0.01`)."""
        return describe_changes(old, new)

    def explain_cache(self, step_run: StepRunResponse | UUID | str) -> CacheExplanation:
        """Why this step run was a cache hit (and which run it reused), or why not: compared
        with the same step's newest successful run in an earlier run of the same pipeline."""
        if not isinstance(step_run, StepRunResponse):
            step_run = self.get_run_step(step_run)
        if step_run.status is ExecutionStatus.CACHED:
            original = step_run.original_step_run_id  # None once its run was deleted
            compared = self.store.get_step_run(original) if original else None
        else:
            compared = self.store.find_previous_step_run(step_run.id)
        return explain_step_run(step_run, compared)
