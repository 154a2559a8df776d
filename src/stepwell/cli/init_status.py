"""`stepwell init`, `stepwell status`, `stepwell clean`: where the data lives (read layer).

`init` makes a project-local `.stepwell/` folder (the home folder of this project from then
on: see `stepwell.config.environment.home_folder`) and lists it in the project's `.gitignore`,
so the store and artifacts stay out of git and out of snapshot archives. `status` says which
store, artifact store, home folder and stack are in use, and `clean` deletes the home
folder's store and artifacts.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import typer

from stepwell.cli.confirm import confirm_or_stop
from stepwell.cli.errors import CliError
from stepwell.cli.output import OUTPUT_OPTION, OutputFormat, note, say, show_record
from stepwell.config import environment
from stepwell.utils.private_files import private_folder
from stepwell.utils.redact import masked_url

DB_FILES = ("stepwell.db", "stepwell.db-wal", "stepwell.db-shm", "config.yaml")
ARTIFACTS_FOLDER = "artifacts"
GITIGNORE_ENTRY = f"{environment.PROJECT_FOLDER}/"
# Lines that already ignore the project folder at the top of the project.
_IGNORING_LINES = {
    environment.PROJECT_FOLDER,
    f"{environment.PROJECT_FOLDER}/",
    f"/{environment.PROJECT_FOLDER}",
    f"/{environment.PROJECT_FOLDER}/",
}


def register(app: typer.Typer) -> None:
    """Add the three commands to the root app."""
    app.command("init")(init)
    app.command("status")(status)
    app.command("clean")(clean)


def init() -> None:
    """Make a project-local `.stepwell/` folder here (runs started here or below use it) and
    add it to the `.gitignore` here."""
    folder = Path.cwd() / environment.PROJECT_FOLDER
    if folder.is_dir():
        note(f"{folder} already exists; nothing to do.")
    else:
        above = environment.find_project_folder(folder.parent.parent)
        private_folder(folder)
        say(f"Initialised a stepwell project in {folder}")
        if above is not None:
            note(
                f"A stepwell project folder exists above: {above}. The new one here takes "
                f"over for {folder.parent} and the folders below it; runs started there no "
                f"longer see the runs and artifacts in {above}."
            )
    if ignore_project_folder(folder.parent):
        say(f"Added {GITIGNORE_ENTRY} to {folder.parent / '.gitignore'}")
    if os.environ.get(environment.ENV_HOME):
        note(
            f"{environment.ENV_HOME} is set ({os.environ[environment.ENV_HOME]}) and wins over "
            f"{folder}; unset it to use the project folder."
        )
        return
    from stepwell.client import Client

    Client().store  # noqa: B018 - creates the database, so `status` shows it at once
    say(f"Store: {masked_url(environment.store_url())}")


def ignore_project_folder(project: Path) -> bool:
    """Append `.stepwell/` to `project/.gitignore` (made if missing) unless a line already
    ignores it; True when the file changed. Existing content is kept byte for byte."""
    gitignore = project / ".gitignore"
    existing = gitignore.read_bytes() if gitignore.is_file() else b""
    lines = {line.strip() for line in existing.decode("utf-8", "replace").splitlines()}
    if lines & _IGNORING_LINES:
        return False
    separator = b"\n" if existing and not existing.endswith(b"\n") else b""
    with gitignore.open("ab") as handle:
        handle.write(separator + GITIGNORE_ENTRY.encode() + b"\n")
    return True


def home_origin() -> str:
    """Why the home folder is the one it is."""
    if os.environ.get(environment.ENV_HOME):
        return environment.ENV_HOME
    if environment.find_project_folder() is not None:
        return "project folder (stepwell init)"
    return "user data folder"


def status(output: OutputFormat = OUTPUT_OPTION) -> None:
    """Show the server (or local store), artifact store, home folder, active stack and what
    the store holds. A server that cannot be used is reported as such (exit 0), with why."""
    from stepwell.client import Client
    from stepwell.config.server_connection import server_connection
    from stepwell.exceptions import StoreError

    connection = server_connection()
    try:
        fields = _status_fields(Client(), connection)
    except StoreError as error:
        if connection is None:
            raise
        fields = _unusable_server_fields(connection, error)
        note(str(error))
    show_record(fields, output, title="stepwell status")


def _unusable_server_fields(connection: Any, error: Exception) -> dict[str, Any]:
    """The status report when the server in use does not answer (or refuses us): where
    things would be, and why the store's contents are unknown."""
    from stepwell.exceptions import ServerUnreachableError, StepwellError

    unreachable = isinstance(error, ServerUnreachableError)
    details = error.details if isinstance(error, StepwellError) else {}
    url = masked_url(connection.url)
    return {
        "server": url,
        "store_url": url,
        "reachable": not unreachable,
        "problem": details.get("reason") if unreachable else str(error),
        "artifact_store": None,
        "home": str(environment.home_folder()),
        "home_from": home_origin(),
        "active_stack": None,
        "pipelines": None,
        "runs": None,
        "artifacts": None,
    }


def _status_fields(client: Any, connection: Any) -> dict[str, Any]:
    """The status report of a store that answers."""
    stack = client.active_stack
    fields: dict[str, Any] = {
        "server": connection.url if connection else "none (the local store)",
        "store_url": masked_url(client.store.url),
        "artifact_store": stack.artifact_store.path,
        "home": str(environment.home_folder()),
        "home_from": home_origin(),
        "active_stack": stack.name,
        # Counts from one-item pages: the store counts, nothing is loaded.
        "pipelines": client.list_pipelines(size=1).total,
        "runs": client.list_pipeline_runs(size=1).total,
        "artifacts": client.list_artifacts(size=1).total,
    }
    return fields


def clean(
    yes: bool = typer.Option(False, "--yes", "-y", help="Don't ask for confirmation."),
) -> None:
    """Delete the store and the artifacts of the current home folder (asks first)."""
    home = environment.home_folder()
    if os.environ.get(environment.ENV_STORE_URL):
        raise CliError(
            f"{environment.ENV_STORE_URL} points to a store outside the home folder; clean "
            "only deletes the home folder's own store. Unset it, or delete that store yourself."
        )
    targets = [home / name for name in DB_FILES if (home / name).exists()]
    artifacts = home / ARTIFACTS_FOLDER
    if artifacts.exists():
        targets.append(artifacts)
    if not targets:
        say(f"Nothing to delete in {home}.")
        return
    listing = ", ".join(path.name for path in targets)
    confirm_or_stop(
        f"Delete {listing} in {home}?", f"Deleting the store and artifacts in {home}", yes=yes
    )
    from stepwell.store.active import reset_store

    reset_store()  # close this process's connections first (that also ends the WAL files)
    for path in targets:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    say(f"Deleted the store and artifacts in {home}.")
