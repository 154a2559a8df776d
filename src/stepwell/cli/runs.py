"""`stepwell pipeline runs ...`: list, describe, explain, delete, follow the logs of and stop
runs.

The read end of define -> compile -> orchestrate -> launch -> store -> read for pipeline
runs: every command is a call or two on the Client, rendered by `stepwell.cli.output`.
"""

from __future__ import annotations

import time
from typing import Any

import typer

from stepwell.cli.confirm import confirm_or_stop
from stepwell.cli.errors import CliError, hint
from stepwell.cli.output import (
    OUTPUT_OPTION,
    OutputFormat,
    echo,
    iso,
    note,
    say,
    show,
    show_record,
)
from stepwell.cli.paging import PAGE_OPTION, SIZE_OPTION, SORT_OPTION, empty_text
from stepwell.enums import ExecutionStatus

app = typer.Typer(help="Runs of pipelines.", no_args_is_help=True)

RUN_ARGUMENT = typer.Argument(..., metavar="RUN", help="Run name, id or id prefix.")
LIST_HINT = "See `stepwell pipeline runs list` for the runs there are."


def run_row(run: Any) -> dict[str, Any]:
    """A run as JSON-ready fields."""
    return {
        "name": run.name,
        "id": str(run.id),
        "pipeline": run.pipeline_name,
        "status": run.status.value,
        "created": iso(run.created),
        "start_time": iso(run.start_time),
        "end_time": iso(run.end_time),
        "duration": run.duration,
        "status_message": run.status_message,
    }


def step_row(invocation_id: str, step_run: Any) -> dict[str, Any]:
    """A step run as JSON-ready fields, with its outputs as `name:version` of artifacts."""
    outputs = {
        name: [f"{version.name}:{version.version}" for version in versions]
        for name, versions in step_run.outputs.items()
    }
    return {
        "step": invocation_id,
        "id": str(step_run.id),
        "step_name": step_run.step_name,
        "status": step_run.status.value,
        "attempt": step_run.attempt,
        "start_time": iso(step_run.start_time),
        "end_time": iso(step_run.end_time),
        "duration": step_run.duration,
        "cached": step_run.status is ExecutionStatus.CACHED
        or step_run.original_step_run_id is not None,
        "outputs": outputs,
        "status_message": step_run.status_message,
    }


def _get_run(client: Any, name: str) -> Any:
    with hint(LIST_HINT):
        return client.get_pipeline_run(name)


@app.command("list")
def list_runs(
    pipeline: str | None = typer.Option(
        None,
        "--pipeline",
        "--pipeline_name",
        "--pipeline_id",
        "-p",
        help="Only this pipeline's (name or id).",
    ),
    name: str | None = typer.Option(
        None,
        "--name",
        metavar="NAME",
        help="Only runs with this name; or a part of it: contains:NAME, startswith:NAME.",
    ),
    status: ExecutionStatus | None = typer.Option(None, "--status", "-s", help="Only these."),
    limit: int = SIZE_OPTION,
    page: int = PAGE_OPTION,
    sort_by: str | None = SORT_OPTION,
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """List runs, newest first (or as --sort-by says)."""
    from stepwell.client import Client

    client = Client()
    if pipeline is not None:
        from stepwell.cli.run_filters import pipeline_name_filter

        with hint("See `stepwell pipeline list` for the pipelines there are."):
            pipeline = pipeline_name_filter(client, pipeline)
    runs = client.list_pipeline_runs(
        pipeline_name=pipeline, name=name, status=status, size=limit, page=page, sort_by=sort_by
    )
    show(
        [run_row(run) for run in runs],
        ["name", "pipeline", "status", "created", "duration"],
        output,
        page=runs,
        empty=empty_text(
            "runs",
            "No runs yet; run a pipeline with `stepwell run MODULE:PIPELINE`.",
            pipeline,
            name,
            status,
            page=runs,
        ),
    )


@app.command("describe")
def describe_run(run: str = RUN_ARGUMENT, output: OutputFormat = OUTPUT_OPTION) -> None:
    """Show a run and its steps: status, duration, cached or not, and outputs."""
    from stepwell.client import Client

    record = _get_run(Client(), run)
    steps = [step_row(invocation, step_run) for invocation, step_run in record.steps.items()]
    fields = {**run_row(record), "parameters": record.parameters, "steps": steps}
    if output is OutputFormat.json:
        show_record(fields, output)
        return
    parameters = ", ".join(f"{key}={value!r}" for key, value in record.parameters.items())
    show_record({**fields, "parameters": parameters or None}, output, title=f"Run {record.name}")
    for step in steps:
        step["outputs"] = ", ".join(
            f"{name} -> {', '.join(versions)}" for name, versions in step["outputs"].items()
        )
    show(steps, ["step", "status", "duration", "cached", "outputs"], output, empty="No steps.")
    for step in steps:  # why each failed step failed: the table has no room for it
        if step["status"] == ExecutionStatus.FAILED.value and step["status_message"]:
            attempt = f" on attempt {step['attempt']}" if step["attempt"] > 1 else ""
            say(f"{step['step']} failed{attempt}: {step['status_message']}")


@app.command("explain")
def explain_run(
    run: str = RUN_ARGUMENT,
    step: str | None = typer.Option(None, "--step", "-s", help="Only this step."),
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """Say why each step was a cache hit or why not (which parts of its cache key changed,
    from what to what)."""
    from stepwell.client import Client

    client = Client()
    record = _get_run(client, run)
    steps = record.steps
    if step is not None and step not in steps:
        known = ", ".join(steps) or "none"
        raise CliError(f"Run '{record.name}' has no step '{step}' (its steps: {known}).")
    run_names: dict[Any, str] = {}  # the compared step runs come from few runs

    def run_name(run_id: Any) -> str:
        if run_id not in run_names:
            run_names[run_id] = client.get_pipeline_run(run_id).name
        return run_names[run_id]

    rows = []
    for name, step_run in steps.items():
        if step is not None and name != step:
            continue
        verdict = client.explain_cache(step_run)
        compared = verdict.compared_with
        rows.append(
            {
                "step": name,
                "status": verdict.status.value,
                "why": verdict.reason,
                "changed": verdict.changed,
                "details": verdict.details,
                "compared_with_run": run_name(compared.pipeline_run_id) if compared else None,
                "compared_with_step_run": str(compared.id) if compared else None,
            }
        )
    show(rows, ["step", "status", "why", "compared_with_run"], output, empty="No steps.")


@app.command("delete")
def delete_run(
    run: str = RUN_ARGUMENT,
    yes: bool = typer.Option(False, "--yes", "-y", help="Don't ask for confirmation."),
) -> None:
    """Delete a run and its step runs (artifacts nothing else uses go too)."""
    from stepwell.client import Client

    client = Client()
    record = _get_run(client, run)
    confirm_or_stop(f"Delete run '{record.name}'?", f"Deleting run '{record.name}'", yes=yes)
    client.delete_pipeline_run(record.id)
    say(f"Deleted run '{record.name}'.")


@app.command("logs")
def run_logs(
    run: str = RUN_ARGUMENT,
    step: str | None = typer.Option(None, "--step", "-s", help="Only this step's logs."),
    follow: bool = typer.Option(
        False, "--follow", "-f", help="Keep printing new output until the run has finished."
    ),
    interval: float = typer.Option(0.5, "--interval", min=0.01, help="Seconds between polls."),
) -> None:
    """Print the captured output of a run's steps (a cached step's is in the run it reused:
    a line on stderr names that run; a step that wrote nothing gets a line there saying why)."""
    from stepwell.cli.cached_logs import cached_step_hint
    from stepwell.cli.empty_logs import no_output_note, no_steps_note
    from stepwell.cli.log_tail import LogTail
    from stepwell.client import Client

    client = Client()
    record = _get_run(client, run)
    tails: dict[Any, LogTail] = {}
    last_header: list[str] = []
    hinted: set[str] = set()
    printed: set[str] = set()  # steps that showed some text
    while True:
        record = client.get_pipeline_run(record.id)  # status first: logs read after it are whole
        steps = record.steps
        if step is not None and step not in steps and (not follow or record.status.is_finished):
            raise CliError(
                f"Run '{record.name}' has no step '{step}'; its steps are "
                f"{', '.join(steps) or 'none yet'}."
            )
        final = not follow or record.status.is_finished  # this pass is the last
        if not steps and final:
            note(no_steps_note(record))
        for invocation_id, step_run in steps.items():
            if step is not None and invocation_id != step:
                continue
            if step_run.status is ExecutionStatus.CACHED:
                if invocation_id not in hinted:
                    hinted.add(invocation_id)
                    note(cached_step_hint(client, invocation_id, step_run))
                continue
            tail = tails.setdefault(step_run.id, LogTail(step_run.logs_uri))
            # Only the bytes appended since the last poll are read.
            new = tail.read_new(final=final)
            if not new:
                if final and invocation_id not in printed | hinted:
                    hinted.add(invocation_id)
                    note(no_output_note(invocation_id, step_run))
                continue
            printed.add(invocation_id)
            if step is None and last_header != [invocation_id]:
                echo(f"==> {invocation_id} <==")
                last_header[:] = [invocation_id]
            # A partial line may go on at the next poll; a finished log gets its last newline.
            echo(new, nl=not follow and not new.endswith("\n"))
        if final:
            return
        time.sleep(interval)


@app.command("stop")
def stop_run(run: str = RUN_ARGUMENT) -> None:
    """Stop a run that is still going: its running steps end `stopped`."""
    from stepwell.client import Client

    client = Client()
    record = _get_run(client, run)
    if record.status.is_finished:
        raise CliError(
            f"Run '{record.name}' has already {record.status.value}; there is nothing to stop."
        )
    from stepwell.runs.stopping import stop_run as request_stop

    outcome = request_stop(client.store, record)
    if outcome.signalled:
        say(
            f"Signalled run '{record.name}' to stop and recorded a stop request; its running "
            "steps end `stopped` (at its next heartbeat if its process ignores the signal)."
        )
        return
    say(
        f"Recorded a stop request for run '{record.name}' (its orchestrating process was not "
        f"signalled: {outcome.not_signalled_because}); the run stops at its next heartbeat "
        "and its running steps end `stopped`."
    )
