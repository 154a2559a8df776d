"""The `stepwell` command: the root group, its global options and its command groups (read).

The console script (`stepwell.cli:main`) imports this module only when it runs, so a missing
`cli` extra is one clear line. Only typer and rich are imported up front; each command
imports the Client (and with it the store) when it runs, so that `stepwell --help` and shell
completion stay quick.

    stepwell [--quiet] [--debug] [--version]
      init | status | clean | version | run MODULE:PIPELINE
      pipeline list | delete
      pipeline runs list | describe | explain | delete | logs | stop
      artifact list | describe | export
      snapshot list | describe | trigger | delete
      stack list | describe | get | register | update | set | delete
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

from stepwell.cli import component_groups, init_status, login, run_cmd
from stepwell.cli.errors import StepwellGroup
from stepwell.cli.lazy_groups import add_lazy_group, from_module

# The command groups, in the order `stepwell --help` lists them: name, one-line help (shown
# without importing the group) and where the group's Typer app is. The per-type component
# groups (`orchestrator`, ...) come between the two tuples.
PIPELINE_GROUPS = (
    ("pipeline", "Pipelines and their runs.", "stepwell.cli.pipelines:app"),
    ("artifact", "Artifacts: the stored outputs of steps.", "stepwell.cli.artifacts:app"),
    (
        "snapshot",
        "Snapshots: stored pipelines that can be triggered.",
        "stepwell.cli.snapshots:app",
    ),
    ("stack", "Stacks: where runs run and where their artifacts go.", "stepwell.cli.stacks:app"),
)
PLATFORM_GROUPS = (
    (
        "model",
        "Models: named, versioned results of pipelines, with stages.",
        "stepwell.cli.models:app",
    ),
    (
        "server",
        "Run a stepwell server: one shared store for a team, over a REST API.",
        "stepwell.cli.server:app",
    ),
    ("user", "Users: people who log in with a password.", "stepwell.cli.accounts:users"),
    (
        "service-account",
        "Service accounts: scripts and CI, which log in with API keys.",
        "stepwell.cli.accounts:service_accounts",
    ),
    ("api-key", "API keys of service accounts.", "stepwell.cli.accounts:api_keys"),
    (
        "secret",
        "Secrets: named values kept encrypted in the store.",
        "stepwell.cli.secrets:app",
    ),
    (
        "schedule",
        "Schedules: snapshots the stepwell server runs by cron expression or interval.",
        "stepwell.cli.schedules:app",
    ),
)


@dataclass
class CliState:
    """The global options, kept on the root context for the commands."""

    quiet: bool = False
    debug: bool = False


app = typer.Typer(
    name="stepwell",
    cls=StepwellGroup,
    # No `help=` here: it would replace the root callback's docstring, the help's text.
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # Plain Click help: Typer's Rich help panels import rich.markdown and markdown-it,
    # about a third of the time `stepwell --help` takes.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version() -> None:
    from stepwell import __version__

    typer.echo(f"stepwell {__version__}")


def _show_version(value: bool) -> None:
    if value:
        _print_version()
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


def version() -> None:
    """Show the version (the same as `stepwell --version`)."""
    _print_version()


init_status.register(app)
app.command("version")(version)  # ZenML's `zenml version`
run_cmd.register(app)
login.register(app)
for name, group_help, target in PIPELINE_GROUPS:
    add_lazy_group(app, name, group_help, from_module(target))
component_groups.register(app)
for name, group_help, target in PLATFORM_GROUPS:
    add_lazy_group(app, name, group_help, from_module(target))


def main() -> None:
    """Entry point of the `stepwell` console script."""
    app(prog_name="stepwell")
