"""`stepwell artifact versions NAME` and ZenML's `artifact version list | describe` (read).

An artifact's versions, newest first, with their type, size and the run that made each;
`artifact version list` (optionally `--artifact NAME`, or every artifact's versions) is the
same list under ZenML's name, and `artifact version describe` is `artifact describe`.
"""

from __future__ import annotations

from typing import Any

import typer

from stepwell.cli.errors import hint
from stepwell.cli.output import OUTPUT_OPTION, OutputFormat, show
from stepwell.cli.paging import PAGE_OPTION, SIZE_OPTION, SORT_OPTION, empty_text

versions_app = typer.Typer(
    help="Artifact versions (ZenML's `artifact version ...`).", no_args_is_help=True
)

COLUMNS = ["name", "version", "data_type", "size", "producer_run", "created"]


def register(app: typer.Typer) -> None:
    """Add `versions` and the `version` group to the `artifact` app."""
    from stepwell.cli.artifacts import describe_artifact

    app.command("versions")(list_versions_of)
    versions_app.command("describe")(describe_artifact)
    app.add_typer(versions_app, name="version")


def _rows(client: Any, versions: Any) -> list[dict[str, Any]]:
    from stepwell.cli.artifacts import version_row

    run_names: dict[Any, str] = {}
    rows = []
    for version in versions:
        row = version_row(version)
        row["producer_run"] = None
        if version.producer_step_run_id is not None:
            step_run = client.get_run_step(version.producer_step_run_id)
            if step_run.pipeline_run_id not in run_names:
                run_names[step_run.pipeline_run_id] = client.get_pipeline_run(
                    step_run.pipeline_run_id
                ).name
            row["producer_run"] = run_names[step_run.pipeline_run_id]
        rows.append(row)
    return rows


def _list(
    artifact: str | None, limit: int, page: int, sort_by: str | None, output: OutputFormat
) -> None:
    from stepwell.client import Client

    client = Client()
    artifact_id = None
    if artifact is not None:
        with hint("See `stepwell artifact list` for the artifacts there are."):
            artifact_id = str(client.get_artifact(artifact).id)
    versions = client.list_artifact_versions(
        artifact_id=artifact_id,
        size=limit,
        page=page,
        sort_by=sort_by or "desc:created",
    )
    rows = _rows(client, versions)
    if output is not OutputFormat.json:  # JSON keeps the byte count
        from stepwell.cli.sizes import human_size

        for row in rows:
            row["size"] = human_size(row["size"])
    show(
        rows,
        COLUMNS,
        output,
        page=versions,
        empty=empty_text("artifact versions", "No artifact versions yet.", artifact, page=versions),
    )


def list_versions_of(
    name: str = typer.Argument(..., help="Artifact name or id."),
    limit: int = SIZE_OPTION,
    page: int = PAGE_OPTION,
    sort_by: str | None = SORT_OPTION,
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """List an artifact's versions, newest first."""
    _list(name, limit, page, sort_by, output)


@versions_app.command("list")
def list_versions(
    name: str | None = typer.Argument(None, help="Only this artifact's versions (name or id)."),
    artifact: str | None = typer.Option(
        None, "--artifact", "--artifact_id", "--name", "-a", help="The same as NAME."
    ),
    limit: int = SIZE_OPTION,
    page: int = PAGE_OPTION,
    sort_by: str | None = SORT_OPTION,
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """List artifact versions (of one artifact, or of all), newest first."""
    _list(name or artifact, limit, page, sort_by, output)
