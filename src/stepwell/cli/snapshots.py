"""`stepwell snapshot ...`: list, describe, trigger and delete stored snapshots (read layer).

A snapshot is a compiled pipeline with its configuration and code, stored so that it can be
run later from any process (`pipeline.create_snapshot(name=...)` makes one). `trigger`
starts a run of it through `Client().trigger_pipeline`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from stepwell.cli.confirm import confirm_or_stop
from stepwell.cli.errors import CliError, hint
from stepwell.cli.output import OUTPUT_OPTION, OutputFormat, iso, note, say, show, show_record
from stepwell.cli.paging import empty_text

app = typer.Typer(help="Snapshots: stored pipelines that can be triggered.", no_args_is_help=True)

SNAPSHOT_ARGUMENT = typer.Argument(..., metavar="SNAPSHOT", help="Snapshot name or id.")
LIST_HINT = "See `stepwell snapshot list` for the snapshots there are."


def snapshot_row(snapshot: Any) -> dict[str, Any]:
    """A snapshot as JSON-ready fields."""
    return {
        "name": snapshot.name,
        "id": str(snapshot.id),
        "pipeline": snapshot.pipeline_name,
        "description": snapshot.description,
        "created": iso(snapshot.created),
        "steps": [invocation["id"] for invocation in snapshot.spec.get("invocations", [])],
        "parameters": dict(snapshot.config.get("parameters", {})),
    }


def _get(client: Any, name: str) -> Any:
    with hint(LIST_HINT):
        return client.get_snapshot(name)


@app.command("list")
def list_snapshots(
    pipeline: str | None = typer.Option(None, "--pipeline", "-p", help="Only this pipeline's."),
    limit: int = typer.Option(50, "--limit", "-n", min=1, help="At most this many."),
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """List named snapshots, newest first."""
    from stepwell.client import Client

    client = Client()
    with hint("See `stepwell pipeline list` for the pipelines there are."):
        snapshots = client.list_snapshots(pipeline_name_or_id=pipeline, size=limit)
    show(
        [snapshot_row(snapshot) for snapshot in snapshots],
        ["name", "pipeline", "created", "description"],
        output,
        empty=empty_text(
            "snapshots",
            "No snapshots yet; make one with `my_pipeline.create_snapshot(name=...)`.",
            pipeline,
        ),
    )


@app.command("describe")
def describe_snapshot(
    snapshot: str = SNAPSHOT_ARGUMENT, output: OutputFormat = OUTPUT_OPTION
) -> None:
    """Show a snapshot: its pipeline, steps and parameters."""
    from stepwell.client import Client

    record = _get(Client(), snapshot)
    fields = snapshot_row(record)
    if output is OutputFormat.json:
        show_record(fields, output)
        return
    table_fields = {
        **fields,
        "steps": ", ".join(fields["steps"]) or None,
        "parameters": ", ".join(f"{k}={v!r}" for k, v in fields["parameters"].items()) or None,
    }
    show_record(table_fields, output, title=f"Snapshot {record.name or record.id}")


@app.command("trigger")
def trigger_snapshot(
    ctx: typer.Context,
    snapshot: str = SNAPSHOT_ARGUMENT,
    config: Path | None = typer.Option(
        None, "--config", "-c", help="A YAML run configuration file.", dir_okay=False
    ),
    param: list[str] = typer.Option(
        [], "--param", "-p", help="key=value pipeline parameter (value read as YAML)."
    ),
    wait: bool = typer.Option(False, "--wait", "-w", help="Wait until the run has finished."),
) -> None:
    """Start a run of a snapshot (in a process of its own)."""
    from stepwell.cli.output import is_quiet
    from stepwell.cli.run_cmd import parse_assignments
    from stepwell.client import Client

    parameters = parse_assignments(param, "--param")
    run_configuration: dict[str, Any] = {}
    if config is not None:
        from stepwell.config.yaml_loader import load_run_configuration

        if not config.is_file():
            raise CliError(f"Run configuration {config} does not exist; check the path.")
        loaded = load_run_configuration(config)
        _check_no_conflict(parameters, loaded.parameters, config)
        run_configuration = loaded.model_dump(mode="json", exclude_unset=True)
    if parameters:
        run_configuration["parameters"] = {**run_configuration.get("parameters", {}), **parameters}
    client = Client()
    record = _get(client, snapshot)
    run = client.trigger_pipeline(
        snapshot_name_or_id=record.id, run_configuration=run_configuration, synchronous=wait
    )
    assert run is not None  # only None while stepwell imports user code, never in the CLI
    if not wait:
        say(f"Started run '{run.name}' of snapshot '{record.name or record.id}'.")
        note(f"Follow it with `stepwell pipeline runs logs {run.name} --follow`.")
        return
    if is_quiet(ctx):
        say(f"{run.name} {run.status.value}")
    else:
        from stepwell.cli.output import stdout_console
        from stepwell.cli.progress import summary_table

        stdout_console().print(summary_table(run))
    if not run.status.is_successful:
        raise CliError(
            f"Run '{run.name}' {run.status.value}. See its logs with "
            f"`stepwell pipeline runs logs {run.name}`."
        )


@app.command("delete")
def delete_snapshot(
    snapshot: str = SNAPSHOT_ARGUMENT,
    yes: bool = typer.Option(False, "--yes", "-y", help="Don't ask for confirmation."),
) -> None:
    """Delete a snapshot (runs made from it are kept)."""
    from stepwell.client import Client

    client = Client()
    record = _get(client, snapshot)
    label = record.name or str(record.id)
    confirm_or_stop(f"Delete snapshot '{label}'?", f"Deleting snapshot '{label}'", yes=yes)
    client.delete_snapshot(record.id)
    say(f"Deleted snapshot '{label}'.")


def _check_no_conflict(
    parameters: dict[str, Any], configured: dict[str, Any], config: Path
) -> None:
    """A parameter comes from `--param` or from the file; both with different values is an
    error naming both (neither silently wins)."""
    both = sorted(
        name for name in set(parameters) & set(configured) if parameters[name] != configured[name]
    )
    if both:
        name = both[0]
        raise CliError(
            f"--param {name}={parameters[name]!r} conflicts with `parameters.{name}: "
            f"{configured[name]!r}` in {config}; set each parameter in one place."
        )
