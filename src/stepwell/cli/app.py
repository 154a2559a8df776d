"""The `stepwell` command: the root group, its global options and its command groups (read).

The console script (`stepwell.cli:main`) imports this module only when it runs, so a missing
`cli` extra is one clear line. Only typer and rich are imported up front; each command
imports the Client (and with it the store) when it runs, so that `stepwell --help` and shell
completion stay quick.

    stepwell [--quiet] [--debug] [--version]
      init | status | clean | run MODULE:PIPELINE
      pipeline list | delete
      pipeline runs list | describe | explain | delete | logs | stop
      artifact list | describe | export
      snapshot list | describe | trigger | delete
      stack list | describe | register | update | set | delete
      stack component list | describe | register | update | delete
      stack component flavor list
      orchestrator | artifact-store | alerter  (one group per component type, as in ZenML)
        register | list | describe | update | rename | delete | flavor list
      model list | describe | delete
      model version list | describe | update | delete
      server start | stop | status | logs
      login URL | logout
      user create | list | describe | update | delete
      service-account create | list | delete
      api-key create | list | revoke
      secret create | list | get | update | rename | delete
      schedule list | pause | resume | update | delete
"""

from __future__ import annotations

from dataclasses import dataclass

import typer

from stepwell.cli import (
    accounts,
    artifacts,
    component_groups,
    init_status,
    login,
    models,
    pipelines,
    run_cmd,
    schedules,
    secrets,
    server,
    snapshots,
    stacks,
)
from stepwell.cli.errors import StepwellGroup


@dataclass
class CliState:
    """The global options, kept on the root context for the commands."""

    quiet: bool = False
    debug: bool = False


app = typer.Typer(
    name="stepwell",
    cls=StepwellGroup,
    help="stepwell: run ML pipelines and read their runs, artifacts and stacks.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # Plain Click help: Typer's Rich help panels import rich.markdown and markdown-it,
    # about a third of the time `stepwell --help` takes.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        from stepwell import __version__

        typer.echo(f"stepwell {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    quiet: bool = typer.Option(
        False, "--quiet", "-q", help="Show only results and errors (no live progress)."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show Python tracebacks of errors."),
    version: bool = typer.Option(
        False, "--version", callback=_show_version, is_eager=True, help="Show the version."
    ),
) -> None:
    """stepwell: run ML pipelines and read their runs, artifacts and stacks.

    Where data lives: STEPWELL_HOME, else a `.stepwell/` folder here or above (`stepwell
    init`), else ~/.local/share/stepwell. STEPWELL_LOGGING_VERBOSITY=WARNING quiets runs.
    """
    ctx.obj = CliState(quiet=quiet, debug=debug)


init_status.register(app)
run_cmd.register(app)
app.add_typer(pipelines.app, name="pipeline")
app.add_typer(artifacts.app, name="artifact")
app.add_typer(snapshots.app, name="snapshot")
app.add_typer(stacks.app, name="stack")
component_groups.register(app)
app.add_typer(models.app, name="model")
app.add_typer(server.app, name="server")
login.register(app)
app.add_typer(accounts.users, name="user")
app.add_typer(accounts.service_accounts, name="service-account")
app.add_typer(accounts.api_keys, name="api-key")
app.add_typer(secrets.app, name="secret")
app.add_typer(schedules.app, name="schedule")


def main() -> None:
    """Entry point of the `stepwell` console script."""
    app(prog_name="stepwell")
