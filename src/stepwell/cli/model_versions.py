"""`stepwell model version ...`: list, compare, describe, update and delete model versions
(read layer).

VERSION is what the Client's `get_model_version` takes: a number (`3`), a name (`v3`), a
stage (`production`, `staging`, `archived`, `none`, and `latest` for the newest) or an id.
Moving a version into a stage another version holds needs `--force`; on a terminal the
command asks instead, and elsewhere (scripts, CI) it refuses, so nothing is archived by
surprise. `list --compare` puts the versions' run metadata side by side
(`stepwell.cli.model_compare`).
"""

from __future__ import annotations

import sys
from typing import Any

import typer

from stepwell.cli import model_compare
from stepwell.cli.confirm import confirm_or_stop
from stepwell.cli.errors import CliError, hint
from stepwell.cli.output import (
    OUTPUT_OPTION,
    OutputFormat,
    is_quiet,
    iso,
    note,
    print_json,
    say,
    show,
    show_record,
)
from stepwell.cli.paging import PAGE_OPTION, SIZE_OPTION, SORT_OPTION, empty_text

app = typer.Typer(help="Versions of a model: compare, promote, delete.", no_args_is_help=True)

MODEL_ARGUMENT = typer.Argument(..., metavar="MODEL", help="Model name or id.")
VERSION_ARGUMENT = typer.Argument(
    ...,
    metavar="VERSION",
    help="Version number, name, stage (production, staging, archived, none, latest) or id.",
)
STAGES_HELP = "none, staging, production or archived"
MODEL_HINT = "See `stepwell model list` for the models there are."


def tag_names(record: Any) -> list[str]:
    """The names of a record's tags, sorted."""
    return [tag.name for tag in record.tags]


def get_model(client: Any, model: str) -> Any:
    """The model a name, id or id prefix names (a not-found error says where to look)."""
    with hint(MODEL_HINT):
        return client.get_model(model)


def get_version(client: Any, model: str, version: str) -> Any:
    """The version of `model` that VERSION names (the store's error lists what exists)."""
    record = get_model(client, model)
    return client.get_model_version(record.id, version)


def version_row(version: Any, with_metadata: bool = True) -> dict[str, Any]:
    """A model version as JSON-ready fields (its run metadata too, unless told not to)."""
    row = {
        "model": version.model_name,
        "name": version.name,
        "number": version.number,
        "stage": version.stage,
        "description": version.description,
        "id": str(version.id),
        "model_id": str(version.model_id),
        "tags": tag_names(version),
        "created": iso(version.created),
        "updated": iso(version.updated),
    }
    if with_metadata:
        row["run_metadata"] = dict(version.run_metadata)
    return row


@app.command("list")
def list_versions(
    ctx: typer.Context,
    model: str | None = typer.Argument(
        None, metavar="MODEL", help="Model name or id (default: versions of every model)."
    ),
    stage: str | None = typer.Option(
        None, "--stage", "-s", help=f"Only versions in this stage: {STAGES_HELP}."
    ),
    name: str | None = typer.Option(
        None, "--name", help="Only versions of this name (or e.g. 'startswith:v')."
    ),
    tag: list[str] = typer.Option([], "--tag", "-t", help="Only versions with this tag."),
    compare: bool = typer.Option(
        False,
        "--compare",
        help="Tabulate the versions' run metadata: a row per key, a column per version.",
    ),
    limit: int = SIZE_OPTION,
    page: int = PAGE_OPTION,
    sort_by: str | None = SORT_OPTION,
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """List model versions with their stage and tags, or compare their run metadata."""
    from stepwell.client import Client
    from stepwell.model.stages import stage_value

    client = Client()
    filters: dict[str, Any] = {}
    if stage is not None:
        filters["stage"] = stage_value(stage)  # `none`: versions without a stage
    if name is not None:
        filters["name"] = name
    model_id = None if model is None else get_model(client, model).id
    found = client.list_model_versions(
        model_name_or_id=model_id,
        sort_by=sort_by or ("number" if model_id is not None else "created"),
        page=page,
        size=limit,
        tags=tag or None,
        **filters,
    )
    versions = list(found)
    empty = empty_text(
        "model versions",
        "No model versions yet; run a pipeline with `@pipeline(model=Model(name=...))`.",
        model,
        stage,
        name,
        tag,
        page=found,
    )
    if compare:
        model_compare.show_comparison(versions, output, empty=empty)
        return
    rows = [version_row(version) for version in versions]
    if output is OutputFormat.table:
        for row in rows:
            row["tags"] = ", ".join(row["tags"])
        if rows and not is_quiet(ctx):
            note("Put their run metadata side by side with --compare.")
    show(
        rows,
        ["model", "number", "name", "stage", "tags", "created"],
        output,
        page=found,
        empty=empty,
    )


def _artifact_rows(version: Any) -> list[dict[str, Any]]:
    """The artifact versions linked to `version`, with their kind (data, model, deployment)."""
    linked = (
        ("data", version.data_artifacts),
        ("model", version.model_artifacts),
        ("deployment", version.deployment_artifacts),
    )
    return [
        {
            "kind": kind,
            "name": artifact.name,
            "version": artifact.version,
            "id": str(artifact.id),
            "data_type": artifact.data_type,
        }
        for kind, artifacts in linked
        for by_version in artifacts.values()
        for artifact in by_version.values()
    ]


@app.command("describe")
def describe_version(
    model: str = MODEL_ARGUMENT,
    version: str = VERSION_ARGUMENT,
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """Show a model version: stage, tags, run metadata, linked artifacts and runs."""
    from stepwell.client import Client

    record = get_version(Client(), model, version)
    artifacts = _artifact_rows(record)
    runs = [
        {
            "name": run.name,
            "id": str(run.id),
            "status": run.status.value,
            "created": iso(run.created),
        }
        for run in record.pipeline_runs.values()
    ]
    fields = {**version_row(record), "artifacts": artifacts, "pipeline_runs": runs}
    if output is OutputFormat.json:
        print_json(fields)
        return
    title = f"Model {record.model_name}, version {record.name}"
    show_record({**fields, "tags": ", ".join(fields["tags"]) or None}, output, title)
    metadata = [
        {"key": key, "value": model_compare.format_value(value)}
        for key, value in fields["run_metadata"].items()
    ]
    show(metadata, ["key", "value"], output, title="Run metadata", empty="No run metadata.")
    show(
        artifacts,
        ["kind", "name", "version", "data_type"],
        output,
        title="Artifacts",
        empty="No linked artifacts.",
    )
    show(runs, ["name", "status", "created"], output, title="Runs", empty="No linked runs.")


def _stage_holder(client: Any, version: Any, stage: str) -> Any:
    """The other version of the same model in `stage` (an exclusive one), or None."""
    from stepwell.model.stages import EXCLUSIVE_STAGES

    if stage not in EXCLUSIVE_STAGES or version.stage == stage:
        return None
    holders = client.list_model_versions(model_name_or_id=version.model_id, stage=stage, size=1)
    return next((held for held in holders if held.id != version.id), None)


def _confirm_stage_move(version: Any, holder: Any, stage: str) -> None:
    """Ask on a terminal whether to take `stage` from `holder`; refuse elsewhere."""
    what = (
        f"Version {holder.name} of model '{version.model_name}' is in {stage}; moving "
        f"version {version.name} there archives version {holder.name}."
    )
    if not sys.stdin.isatty():
        raise CliError(f"{what} Pass --force to move it.")
    typer.confirm(f"{what} Move it?", abort=True, err=True)


@app.command("update")
def update_version(
    ctx: typer.Context,
    model: str = MODEL_ARGUMENT,
    version: str = VERSION_ARGUMENT,
    stage: str | None = typer.Option(
        None, "--stage", "-s", help=f"Move it to this stage: {STAGES_HELP}."
    ),
    force: bool = typer.Option(
        False,
        "--force",
        "-f",
        help="Take the stage from the version holding it (which becomes archived), unasked.",
    ),
    name: str | None = typer.Option(None, "--name", "-n", help="A new name for the version."),
    description: str | None = typer.Option(None, "--description", "-d", help="A new description."),
    tag: list[str] = typer.Option([], "--tag", "-t", help="Add this tag."),
    remove_tag: list[str] = typer.Option([], "--remove-tag", "-r", help="Remove this tag."),
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """Promote, rename, describe or tag a model version."""
    from stepwell.client import Client
    from stepwell.model.stages import stage_value

    client = Client()
    record = get_version(client, model, version)
    target = None if stage is None else stage_value(stage)  # unknown: lists the stages
    holder = None if target is None else _stage_holder(client, record, target)
    if holder is not None and not force:
        _confirm_stage_move(record, holder, target or "")
        force = True
    updated = client.update_model_version(
        record.model_id,
        record.id,
        stage=target,
        force=force,
        name=name,
        description=description,
        add_tags=tag or None,
        remove_tags=remove_tag or None,
    )
    if output is OutputFormat.json:
        print_json(version_row(updated))
        return
    stage_text = f" (stage: {updated.stage or 'none'})" if target is not None else ""
    say(f"Updated version {updated.name} of model '{updated.model_name}'{stage_text}.")
    if holder is not None and not is_quiet(ctx):
        note(f"Version {holder.name} is now archived.")


@app.command("delete")
def delete_version(
    model: str = MODEL_ARGUMENT,
    version: str = VERSION_ARGUMENT,
    yes: bool = typer.Option(False, "--yes", "-y", help="Don't ask for confirmation."),
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """Delete a model version and its links (its artifacts and runs stay)."""
    from stepwell.client import Client

    client = Client()
    record = get_version(client, model, version)
    label = f"version {record.name} of model '{record.model_name}'"
    confirm_or_stop(f"Delete {label}?", f"Deleting {label}", yes=yes)
    client.delete_model_version(record.id)
    if output is OutputFormat.json:
        print_json(
            {
                "deleted": "model_version",
                "model": record.model_name,
                "name": record.name,
                "number": record.number,
                "id": str(record.id),
            }
        )
        return
    say(f"Deleted {label}.")
