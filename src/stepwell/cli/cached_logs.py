"""Where a cached step's output is, for `stepwell pipeline runs logs` (read layer).

A cached step did not run in its run, so that run keeps no log for it: its output was
written by the step run it reused, in an earlier run. `runs logs` says so on stderr, naming
that run and the command that shows its log, rather than printing nothing for the step
(or printing another run's output as if this run had made it).
"""

from __future__ import annotations

from typing import Any

from stepwell.enums import ExecutionStatus
from stepwell.exceptions import EntityNotFoundError


def cached_step_hint(client: Any, invocation_id: str, step_run: Any) -> str:
    """One line telling where the output of the cached step run `step_run` is logged."""
    gone = (
        f"Step {invocation_id} was cached from a run that has since been deleted; its "
        "output is not kept anywhere."
    )
    original_id = step_run.original_step_run_id
    if original_id is None:  # the store forgets the link when the original's run is deleted
        return gone
    try:
        original = client.get_run_step(original_id)
        run_name = client.get_pipeline_run(original.pipeline_run_id).name
    except EntityNotFoundError:  # deleted between the two reads
        return gone
    if original.status is ExecutionStatus.CACHED:  # a reuse whose own original was deleted
        return gone
    if not original.logs_uri:
        return (
            f"Step {invocation_id} was cached from run {run_name}, which kept no log for it "
            "(step logs were turned off)."
        )
    return (
        f"Step {invocation_id} was cached from run {run_name}; see its output with "
        f"`stepwell pipeline runs logs {run_name} --step {original.name}`."
    )
