"""`stepwell pipeline ...`: the pipelines in the store (read layer, over the Client).

`pipeline list` and `pipeline delete`; the runs of pipelines are under `pipeline runs`
(`stepwell.cli.runs`), as in ZenML's CLI.
"""

from __future__ import annotations

from typing import Any

import typer

from stepwell.cli import run_cmd, runs, snapshots
from stepwell.cli.confirm import confirm_or_stop
from stepwell.cli.errors import hint
from stepwell.cli.output import OUTPUT_OPTION, OutputFormat, iso, say, show
from stepwell.cli.paging import PAGE_OPTION, SIZE_OPTION, SORT_OPTION, empty_text

app = typer.Typer(no_args_is_help=True)
app.add_typer(runs.app, name="runs")
# ZenML's places for the same commands: `pipeline run SOURCE`, `pipeline snapshot ...`.
app.command("run", help="The same as `stepwell run` (ZenML's `pipeline run`).")(run_cmd.run)
app.add_typer(snapshots.app, name="snapshot", help="The same as `stepwell snapshot ...`.")

LIST_HINT = "See `stepwell pipeline list` for the pipelines there are."


def pipeline_row(pipeline: Any, client: Any) -> dict[str, Any]:
    """A pipeline as JSON-ready fields, with its newest run."""
    newest = client.list_pipeline_runs(pipeline_name=pipeline.name, size=1)
    return {
        "name": pipeline.name,
        "id": str(pipeline.id),
        "created": iso(pipeline.created),
        "updated": iso(pipeline.updated),
        "description": pipeline.description,
        "latest_run": newest[0].name if newest else None,
        "status": newest[0].status.value if newest else None,
    }


@app.command("list")
def list_pipelines(
    name: str | None = typer.Option(None, "--name", help="Only the pipeline with this name."),
    limit: int = SIZE_OPTION,
    page: int = PAGE_OPTION,
    sort_by: str | None = SORT_OPTION,
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """List pipelines, with the status of each one's newest run."""
    from stepwell.client import Client

    client = Client()
    pipelines = client.list_pipelines(name=name, size=limit, page=page, sort_by=sort_by)
    rows = [pipeline_row(p, client) for p in pipelines]
    show(
        rows,
        ["name", "latest_run", "status", "created"],
        output,
        page=pipelines,
        empty=empty_text(
            "pipelines",
            "No pipelines yet; run one with `stepwell run MODULE:PIPELINE`.",
            name,
            page=pipelines,
        ),
    )


@app.command("delete")
def delete_pipeline(
    name: str = typer.Argument(..., help="Name or id of the pipeline."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Don't ask for confirmation."),
) -> None:
    """Delete a pipeline with all its runs (artifacts nothing else uses go too)."""
    from stepwell.client import Client

    client = Client()
    with hint(LIST_HINT):
        pipeline = client.get_pipeline(name)
    count = client.list_pipeline_runs(pipeline_name=pipeline.name, size=1).total
    confirm_or_stop(
        f"Delete pipeline '{pipeline.name}' and its {count} run(s)?",
        f"Deleting pipeline '{pipeline.name}'",
        yes=yes,
    )
    client.delete_pipeline(pipeline.id)
    say(f"Deleted pipeline '{pipeline.name}' and {count} run(s).")
