"""What `stepwell pipeline runs logs` says about a step that printed nothing (read layer).

A step with no output would otherwise make the command print nothing at all, which looks
the same as a command that is broken. So for each step that showed no text, one line on
stderr (stdout keeps only log text, for scripts that pipe it) says why, from what the store
knows: the step's status, whether it ever started, and whether it has a log location at all
(none when step logs were turned off, or when the step never ran). Cached steps have their
own line (`stepwell.cli.cached_logs`).
"""

from __future__ import annotations

from typing import Any

from stepwell.enums import ExecutionStatus


def _reason(step_run: Any) -> str:
    """`: <first line of the status message>` or '' when there is none."""
    message = (step_run.status_message or "").strip()
    return f": {message.splitlines()[0]}" if message else ""


def no_output_note(invocation_id: str, step_run: Any) -> str:
    """One line saying why the step run `step_run` of step `invocation_id` showed no text."""
    status = step_run.status
    name = f"Step {invocation_id}"
    if status is ExecutionStatus.SKIPPED:
        return f"{name} was skipped (it never ran), so it wrote no output."
    if step_run.start_time is None and status is ExecutionStatus.STOPPED:
        return f"{name} was stopped before it started, so it wrote no output."
    if step_run.start_time is None and status.is_finished:
        ended = f"it {status.value}{_reason(step_run)}"
        return f"{name} never started ({ended}), so it wrote no output."
    if not step_run.logs_uri:
        ended = "" if status is ExecutionStatus.COMPLETED else f"; it {status.value}"
        return f"{name} kept no log (step logs were turned off for it){ended}{_reason(step_run)}."
    if not status.is_finished:
        return (
            f"{name} is {status.value} and has written no output yet "
            "(add --follow to keep printing its output as it comes)."
        )
    if status is ExecutionStatus.FAILED:
        return f"{name} failed before writing any output{_reason(step_run)}."
    if status is ExecutionStatus.STOPPED:
        return f"{name} was stopped before writing any output."
    return f"{name} wrote no output."


def no_steps_note(run: Any) -> str:
    """One line for a run with no step runs to show the output of."""
    if run.status.is_finished:
        return f"Run {run.name} has no steps: it {run.status.value}{_reason(run)}."
    return f"Run {run.name} has no steps yet (it is {run.status.value})."
