"""A command group called bare shows its help and succeeds (read layer).

`stepwell stack component` with no command is a request for help, not a usage mistake.
Click answers it (for a group with `no_args_is_help`) by raising `NoArgsIsHelpError`, which
prints the help on stderr and exits 2, as for a typo. `help_when_bare` turns that into what
`--help` does: the help on stdout, exit 0. The root group (`stepwell.cli.errors`) wraps both
its own argument parsing and every command below it in it, so one place covers the tree.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

import typer

# Newer typer vendors click, older typer uses click itself: take the class from whichever
# module holds typer's usage errors. Click before 8.2 had no such class (a bare group already
# printed its help and exited 0 there), so nothing is caught then.
_NO_ARGS_IS_HELP: type[BaseException] = getattr(
    sys.modules[typer.BadParameter.__module__],
    "NoArgsIsHelpError",
    type("_Never", (Exception,), {}),
)


@contextlib.contextmanager
def help_when_bare() -> Iterator[None]:
    """Print the help of a group called without a command on stdout and exit 0."""
    try:
        yield
    except _NO_ARGS_IS_HELP as error:
        ctx = getattr(error, "ctx", None)
        if ctx is None:
            raise
        typer.echo(ctx.get_help(), color=ctx.color)
        raise typer.Exit(0) from None
