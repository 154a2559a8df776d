"""The `stepwell` command line (read layer, on top of the Client).

A thin layer over `stepwell.client.Client`: one module per command group (`runs`,
`artifacts`, `stacks`, ...), `output` for tables and JSON, `errors` for the one error
boundary, `progress` for the live view of a run. Needs the `cli` extra (typer, rich).

`main` here is the target of the `stepwell` console script, `python -m stepwell` and
`python -m stepwell.cli`. It imports the app only when called, so that a missing `cli`
extra is one line that says what to install rather than a traceback.
"""

from __future__ import annotations

import sys

# The top-level modules the `cli` extra installs.
CLI_EXTRA_MODULES = frozenset({"typer", "rich"})
MISSING_EXTRA_MESSAGE = (
    "stepwell: the command line needs the 'cli' extra: pip install \"stepwell[cli]\""
)


def main() -> None:
    """Run the `stepwell` command; without typer or rich, say how to get them and exit 1."""
    from stepwell.cli.quick_exit import exit_quickly_when_safe
    from stepwell.utils.closed_output import guard_exit_flush
    from stepwell.utils.heavy_imports import collector_paused

    exit_quickly_when_safe()
    guard_exit_flush()  # a reader gone at exit (`| head`) is no "Exception ignored" line
    try:
        with collector_paused():
            from stepwell.cli.app import main as run_app
    except ModuleNotFoundError as error:
        if (error.name or "").partition(".")[0] not in CLI_EXTRA_MODULES:
            raise
        print(MISSING_EXTRA_MESSAGE, file=sys.stderr)
        raise SystemExit(1) from None
    run_app()
