"""`stepwell artifact ...`: list, describe, export and prune artifact versions (read layer).

Artifacts are named; each name has versions 1, 2, ... `NAME[:VERSION]` picks one (the
latest without a version); an artifact version's id works too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from stepwell.cli.confirm import confirm_or_stop
from stepwell.cli.errors import CliError, hint
from stepwell.cli.output import OUTPUT_OPTION, OutputFormat, iso, say, show, show_record
from stepwell.cli.paging import PAGE_OPTION, SIZE_OPTION, SORT_OPTION, empty_text

app = typer.Typer(no_args_is_help=True)

ARTIFACT_ARGUMENT = typer.Argument(
    ..., metavar="NAME[:VERSION]", help="Artifact name (latest version) or name:version, or id."
)
LIST_HINT = "See `stepwell artifact list` for the artifacts there are."


def split_reference(reference: str) -> tuple[str, int | None]:
    """`name:3` -> ("name", 3); `name` -> ("name", None) (a non-numeric suffix is the name)."""
    name, sep, version = reference.rpartition(":")
    if sep and version.isdigit() and name:
        return name, int(version)
    return reference, None


def version_row(version: Any) -> dict[str, Any]:
    """An artifact version as JSON-ready fields."""
    return {
        "name": version.name,
        "version": version.version,
        "id": str(version.id),
        "type": version.type.value,
        "data_type": version.data_type,
        "materializer": version.materializer,
        "uri": version.uri,
        "size": version.size,
        "content_hash": version.content_hash,
        "created": iso(version.created),
        "producer_step_run_id": (
            str(version.producer_step_run_id) if version.producer_step_run_id else None
        ),
    }


def get_version(client: Any, reference: str) -> Any:
    """The artifact version `NAME[:VERSION]` (or id) names."""
    name, number = split_reference(reference)
    with hint(LIST_HINT):
        return client.get_artifact_version(name, number)


@app.command("list")
def list_artifacts(
    name: str | None = typer.Option(
        None,
        "--name",
        metavar="NAME",
        help="Only artifacts with this name; or a part of it: contains:NAME, startswith:NAME.",
    ),
    limit: int = SIZE_OPTION,
    page: int = PAGE_OPTION,
    sort_by: str | None = SORT_OPTION,
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """List artifacts with their latest version."""
    from stepwell.client import Client

    client = Client()
    rows = []
    artifacts = client.list_artifacts(name=name, size=limit, page=page, sort_by=sort_by)
    for artifact in artifacts:
        newest = client.list_artifact_versions(
            artifact_id=str(artifact.id), sort_by="desc:version_number", size=1
        )
        latest = newest[0] if newest else None
        rows.append(
            {
                "name": artifact.name,
                "id": str(artifact.id),
                "versions": newest.total,
                "latest_version": latest.version if latest else None,
                "data_type": latest.data_type if latest else None,
                "created": iso(artifact.created),
            }
        )
    show(
        rows,
        ["name", "latest_version", "versions", "data_type", "created"],
        output,
        page=artifacts,
        empty=empty_text("artifacts", "No artifacts yet.", name, page=artifacts),
    )


@app.command("describe")
def describe_artifact(
    reference: str = ARTIFACT_ARGUMENT, output: OutputFormat = OUTPUT_OPTION
) -> None:
    """Show an artifact version: type, materializer, size, content hash, producer, consumers."""
    from stepwell.client import Client

    client = Client()
    version = get_version(client, reference)
    fields = version_row(version)
    fields["producer_step"] = fields["producer_run"] = None
    if version.producer_step_run_id is not None:
        step_run = client.get_run_step(version.producer_step_run_id)
        fields["producer_step"] = step_run.name
        fields["producer_run"] = client.get_pipeline_run(step_run.pipeline_run_id).name
    fields["consumers"] = [
        f"{consumer.name} ({client.get_pipeline_run(consumer.pipeline_run_id).name})"
        for consumer in client.list_artifact_consumers(version)
    ]
    fields["run_metadata"] = version.run_metadata
    title = f"Artifact {version.name}:{version.version}"
    if output is OutputFormat.json:
        show_record(fields, output, title=title)
        return
    shown = {**fields, "consumers": ", ".join(fields["consumers"]) or None}
    for key, value in (version.run_metadata or {}).items():
        shown[f"metadata: {key}"] = _metadata_text(value)
    show_record(shown, output, title=title)


def _metadata_text(value: Any) -> str:
    """One metadata value on one line: plain scalars as they are, the rest as JSON."""
    import json

    if isinstance(value, (str, int, float, bool)) or value is None:
        return str(value)
    return json.dumps(value, default=str, sort_keys=True)


@app.command("export")
def export_artifact(
    reference: str = ARTIFACT_ARGUMENT,
    path: Path = typer.Argument(..., help="Where to copy the artifact's files (must not exist)."),
) -> None:
    """Copy an artifact version's files out of the artifact store to PATH."""
    from stepwell.artifact_stores.base import artifact_store_for_uri
    from stepwell.client import Client

    version = get_version(Client(), reference)
    if path.exists() and not (path.is_dir() and not any(path.iterdir())):
        raise CliError(f"{path} already exists; give a new path or an empty folder.")
    store = artifact_store_for_uri(version.uri)
    if not store.exists(version.uri):
        raise CliError(
            f"The files of {version.name}:{version.version} are missing from the artifact "
            f"store ({version.uri})."
        )
    store.get_local(version.uri, str(path))
    say(f"Exported {version.name}:{version.version} to {path}")


@app.command("prune")
def prune_artifacts(
    only_metadata: bool = typer.Option(
        False,
        "--only-metadata",
        "-m",
        help="Delete the unused versions' records but keep their files in the artifact store.",
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help="Don't ask for confirmation."),
) -> None:
    """Delete artifact versions no run uses, and files no record points to (outputs of runs
    that were killed, stale staging folders). Nothing a record points to is removed."""
    from stepwell.client import Client

    confirm_or_stop(
        "Delete unused artifact versions and unrecorded files?",
        "Pruning artifacts",
        yes=yes,
    )
    import logging

    from stepwell.logger import at_least

    client = Client()
    with at_least(logging.WARNING):  # one summary line below, not the library's info lines
        removed = client.prune_orphaned_bytes()  # first, to report it: prune sweeps too
        versions = client.prune_artifacts(
            only_versions=True, delete_from_artifact_store=not only_metadata
        )
    failed = (
        f" {removed.failed} location(s) could not be removed; see the log."
        if removed.failed
        else ""
    )
    say(
        f"Deleted {versions} unused artifact version(s); removed {removed.files} unrecorded "
        f"file(s) ({removed.bytes} bytes) from the artifact store.{failed}"
    )


def _register_versions() -> None:
    from stepwell.cli import artifact_versions

    artifact_versions.register(app)


_register_versions()
