"""`stepwell model ...`: list, describe and delete models of the model control plane (read).

A model is a name with a model card and numbered versions; a pipeline with
`model=Model(name=...)` makes a new version per run. `stepwell model version ...`
(`stepwell.cli.model_versions`) reads, compares, promotes and deletes the versions. Every
rule (names, stages, what a delete removes) is the Client's; this module only renders.
"""

from __future__ import annotations

from typing import Any

import typer

from stepwell.cli import model_versions
from stepwell.cli.confirm import confirm_or_stop
from stepwell.cli.model_versions import MODEL_ARGUMENT, get_model, tag_names, version_row
from stepwell.cli.output import (
    OUTPUT_OPTION,
    OutputFormat,
    iso,
    print_json,
    say,
    show,
    show_record,
)
from stepwell.cli.paging import PAGE_OPTION, SIZE_OPTION, SORT_OPTION, empty_text

app = typer.Typer(no_args_is_help=True)
app.add_typer(model_versions.app, name="version")


def model_row(model: Any, versions: int) -> dict[str, Any]:
    """A model as JSON-ready fields: its card, tags and latest version."""
    from stepwell.store.model_records import CARD_FIELDS  # imported when used: --help stays light

    return {
        "name": model.name,
        "id": str(model.id),
        "latest_version": model.latest_version_name,
        "latest_version_id": (
            str(model.latest_version_id) if model.latest_version_id is not None else None
        ),
        "version_count": versions,
        "tags": tag_names(model),
        **{field: getattr(model, field) for field in CARD_FIELDS},
        "created": iso(model.created),
        "updated": iso(model.updated),
    }


def _version_count(client: Any, model: Any) -> int:
    return int(client.list_model_versions(model_name_or_id=model.id, size=1).total)


@app.command("list")
def list_models(
    name: str | None = typer.Option(
        None, "--name", help="Only models of this name (or e.g. 'contains:clf')."
    ),
    tag: list[str] = typer.Option([], "--tag", "-t", help="Only models with this tag."),
    limit: int = SIZE_OPTION,
    page: int = PAGE_OPTION,
    sort_by: str | None = SORT_OPTION,
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """List models with their latest version and tags."""
    from stepwell.client import Client

    client = Client()
    filters: dict[str, Any] = {} if name is None else {"name": name}
    models = client.list_models(
        sort_by=sort_by or "created", page=page, size=limit, tags=tag or None, **filters
    )
    rows = [model_row(model, _version_count(client, model)) for model in models]
    if output is OutputFormat.table:
        for row in rows:
            row["tags"] = ", ".join(row["tags"])
    show(
        rows,
        ["name", "latest_version", "version_count", "tags", "created"],
        output,
        page=models,
        empty=empty_text(
            "models",
            "No models yet; run a pipeline with `@pipeline(model=Model(name=...))`.",
            name,
            tag,
            page=models,
        ),
    )


@app.command("describe")
def describe_model(model: str = MODEL_ARGUMENT, output: OutputFormat = OUTPUT_OPTION) -> None:
    """Show a model: its model card, tags and versions with their stages."""
    from stepwell.client import Client

    client = Client()
    record = get_model(client, model)
    versions = [
        version_row(version, with_metadata=False)
        for version in client.list_model_versions(
            model_name_or_id=record.id, sort_by="number", size=1_000_000
        )
    ]
    fields = model_row(record, len(versions))
    if output is OutputFormat.json:
        print_json({**fields, "versions": versions})
        return
    show_record(
        {**fields, "tags": ", ".join(fields["tags"]) or None}, output, f"Model {record.name}"
    )
    for version in versions:
        version["tags"] = ", ".join(version["tags"])
    show(
        versions,
        ["number", "name", "stage", "tags", "created"],
        output,
        empty="No versions yet.",
    )


@app.command("delete")
def delete_model(
    model: str = MODEL_ARGUMENT,
    yes: bool = typer.Option(False, "--yes", "-y", help="Don't ask for confirmation."),
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """Delete a model and its versions (their artifacts and runs stay)."""
    from stepwell.client import Client

    client = Client()
    record = get_model(client, model)
    count = _version_count(client, record)
    confirm_or_stop(
        f"Delete model '{record.name}' and its {count} version(s)?",
        f"Deleting model '{record.name}'",
        yes=yes,
    )
    client.delete_model(record.id)
    if output is OutputFormat.json:
        print_json(
            {"deleted": "model", "name": record.name, "id": str(record.id), "version_count": count}
        )
        return
    say(f"Deleted model '{record.name}' and its {count} version(s).")
