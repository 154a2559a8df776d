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
from stepwell.cli.output import (
    OUTPUT_OPTION,
    OutputFormat,
    iso,
    note,
    print_json,
    say,
    show,
    show_record,
)
from stepwell.cli.paging import PAGE_OPTION, SIZE_OPTION, SORT_OPTION, empty_text

app = typer.Typer(no_args_is_help=True)

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
    limit: int = SIZE_OPTION,
    page: int = PAGE_OPTION,
    sort_by: str | None = SORT_OPTION,
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """List named snapshots, newest first."""
    from stepwell.client import Client

    client = Client()
    with hint("See `stepwell pipeline list` for the pipelines there are."):
        snapshots = client.list_snapshots(
            pipeline_name_or_id=pipeline, size=limit, page=page, sort_by=sort_by
        )
    show(
        [snapshot_row(snapshot) for snapshot in snapshots],
        ["name", "pipeline", "created", "description"],
        output,
        page=snapshots,
        empty=empty_text(
            "snapshots",
            "No snapshots yet; make one with `stepwell snapshot create MODULE:PIPELINE "
            "--name NAME` (or `my_pipeline.create_snapshot(name=...)`).",
            pipeline,
            page=snapshots,
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
        [],
        "--param",
        "-p",
        metavar="KEY=VALUE",
        help="Pipeline parameter (value read as YAML); repeat for more.",
    ),
    wait: bool = typer.Option(False, "--wait", "-w", help="Wait until the run has finished."),
    output: OutputFormat = OUTPUT_OPTION,
    quiet_flag: bool = typer.Option(
        False, "--quiet", "-q", help="Print only `<run> <status>` (as `stepwell -q snapshot ...`)."
    ),
) -> None:
    """Start a run of a snapshot (in a process of its own)."""
    from stepwell.cli.output import is_quiet
    from stepwell.cli.run_cmd import parse_assignments
    from stepwell.cli.run_options import check_no_conflict
    from stepwell.client import Client

    parameters = parse_assignments(param, "--param")
    run_configuration: dict[str, Any] = {}
    if config is not None:
        from stepwell.config.yaml_loader import load_run_configuration

        if not config.is_file():
            raise CliError(f"Run configuration {config} does not exist; check the path.")
        loaded = load_run_configuration(config)
        check_no_conflict(parameters, loaded.parameters, config)
        run_configuration = loaded.model_dump(mode="json", exclude_unset=True)
    if parameters:
        run_configuration["parameters"] = {**run_configuration.get("parameters", {}), **parameters}
    client = Client()
    record = _get(client, snapshot)
    run = client.trigger_pipeline(
        snapshot_name_or_id=record.id, run_configuration=run_configuration, synchronous=wait
    )
    assert run is not None  # only None while stepwell imports user code, never in the CLI
    quiet = quiet_flag or is_quiet(ctx)
    if output is OutputFormat.json:
        from stepwell.cli.run_options import run_fields

        print_json(run_fields(run))
    elif quiet:
        say(f"{run.name} {run.status.value}")
    elif not wait:
        say(f"Started run '{run.name}' of snapshot '{record.name or record.id}'.")
    if not wait:
        if not quiet:
            note(f"Follow it with `stepwell pipeline runs logs {run.name} --follow`.")
        return
    if output is OutputFormat.json or quiet:
        pass
    else:
        from stepwell.cli.output import stdout_console
        from stepwell.cli.progress import summary_table

        stdout_console().print(summary_table(run))
    if not run.status.is_successful:
        raise CliError(
            f"Run '{run.name}' {run.status.value}. See its logs with "
            f"`stepwell pipeline runs logs {run.name}`."
        )


@app.command("create")
def create_snapshot(
    target: str = typer.Argument(
        ..., metavar="MODULE:PIPELINE", help="The pipeline, as for `stepwell run`."
    ),
    name: str = typer.Option(..., "--name", "-n", help="Name of the snapshot."),
    description: str | None = typer.Option(
        None, "--description", "-d", help="What the snapshot is for."
    ),
    config: Path | None = typer.Option(
        None, "--config", "-c", help="A YAML run configuration file.", dir_okay=False
    ),
    stack: str | None = typer.Option(
        None, "--stack", "-s", help="Stack to compile for (default: the active one)."
    ),
    replace: bool = typer.Option(
        False, "--replace", help="Take the name from an older snapshot (renamed, still runnable)."
    ),
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """Store a pipeline (compiled, with its configuration and code) as a named snapshot,
    to trigger later (`stepwell snapshot trigger NAME`)."""
    from stepwell.cli.run_cmd import load_pipeline
    from stepwell.cli.run_options import using_stack

    pipeline = load_pipeline(target)
    if config is not None:
        if not config.is_file():
            raise CliError(f"Run configuration {config} does not exist; check the path.")
        pipeline = pipeline.with_options(config_path=str(config))
    from stepwell.exceptions import EntityExistsError

    with using_stack(stack):
        try:
            record = pipeline.create_snapshot(name=name, description=description, replace=replace)
        except EntityExistsError as error:  # the library names its keyword; say the option
            raise CliError(str(error).replace("replace=True", "--replace")) from None
    if output is OutputFormat.json:
        print_json(snapshot_row(record))
        return
    say(f"Created snapshot '{record.name}' of pipeline '{record.pipeline_name}'.")
    note(f"Run it with `stepwell snapshot trigger {record.name}`.")


app.command("run", help="The same as `trigger` (ZenML's `pipeline snapshot run`).")(
    trigger_snapshot
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
