"""The CLI's one error boundary: exceptions in, one-line messages and exit codes out (read).

Every command runs inside `StepwellGroup.invoke`, so a command only raises; it never prints
its own error. What the user sees:

| raised                                         | shown on stderr                    | exit |
|------------------------------------------------|------------------------------------|------|
| `StepwellError`, `KeyError`, `ValueError`,     | `Error: <message>` (one line)      | 1    |
| `OSError`, `CliError`                          |                                    |      |
| any other exception                            | `Error: <type>: <message>` + hint  | 1    |
| `KeyboardInterrupt` (Ctrl-C)                   | `Interrupted.`                     | 130  |
| Click/Typer usage errors (`UsageError`, ...)   | Click's usage message              | 2    |
| `BrokenPipeError` (the reader went away)       | nothing (stdout, stderr silenced)  | 141  |
| none, but a reader went away meanwhile         | what could still be shown          | 141  |

With the global `--debug` flag the Python traceback is printed too.

A reader that goes away (`stepwell run ... 2>&1 | head -1`) never changes what a command
does, only what is shown: `stepwell run` completes its run, dropping the output nobody
reads (`stepwell.utils.closed_output`), and then exits 141 as Unix tools do. An error
meanwhile keeps its own status (a failed run still exits 1), since it says more.
"""

from __future__ import annotations

import contextlib
import sys
import traceback
from collections.abc import Iterator
from typing import Any

import typer
from typer.core import TyperGroup

EXIT_ERROR = 1
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as shells report a tool whose reader went away


# Typer's own control flow (usage errors, --help's exit, a declined confirmation) passes
# through. Found from the class tree: newer typer vendors click, older typer uses click.
_CLICK_EXCEPTION: type[Exception] = next(
    base for base in typer.BadParameter.__mro__ if base.__name__ == "ClickException"
)
PASS_THROUGH: tuple[type[BaseException], ...] = (typer.Exit, typer.Abort, _CLICK_EXCEPTION)


class CliError(ValueError):
    """Raised by commands for bad input the CLI itself detects (a malformed `key=value`)."""


class StepwellGroup(TyperGroup):
    """The root command group: runs every command inside the error boundary, and gives the
    whole tree readable metavars (`stepwell.cli.help_format`) when it is built."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from stepwell.cli.help_format import polish

        polish(self)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        from stepwell.cli.bare_help import help_when_bare

        with help_when_bare():  # `stepwell` alone: its help, exit 0
            return super().parse_args(ctx, args)

    def invoke(self, ctx: Any) -> Any:
        from stepwell.cli.bare_help import help_when_bare
        from stepwell.utils import closed_output

        debug = bool(ctx.params.get("debug"))
        closed_output.forget()
        try:
            with help_when_bare():  # a group below called bare (`stepwell stack component`)
                result = super().invoke(ctx)
        except PASS_THROUGH:
            raise
        except BrokenPipeError:
            # The reader went away (`| head`): stop quietly, as Unix tools do; stderr may
            # be that pipe too, so nothing is printed.
            closed_output.silence_standard_fds()
            raise typer.Exit(EXIT_BROKEN_PIPE) from None
        except KeyboardInterrupt:
            print_error("Interrupted.", prefix="")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except Exception as error:
            if debug:
                with contextlib.suppress(OSError):
                    traceback.print_exc(file=sys.stderr)
            print_error(describe(error, debug))
            raise typer.Exit(EXIT_ERROR) from None
        if closed_output.any_reader_gone():
            # The command did all its work (a run completed) but some of what it printed
            # was dropped: say so with the status a shell gives a tool whose reader left.
            raise typer.Exit(EXIT_BROKEN_PIPE)
        return result


def describe(error: BaseException, debug: bool = False) -> str:
    """The one line shown for `error`."""
    from stepwell.exceptions import StepwellError

    if isinstance(error, (StepwellError, CliError)):
        message = str(error)
    elif isinstance(error, KeyError):
        # str(KeyError('x')) is "'x'": show the key itself.
        message = str(error.args[0]) if error.args else "not found"
    elif isinstance(error, (ValueError, OSError)):
        message = str(error)
    else:
        message = f"{type(error).__name__}: {error}"
        if not debug:
            message += " (run again with --debug for the traceback)"
    return " ".join(message.split()) or type(error).__name__


def print_error(message: str, prefix: str = "Error: ") -> None:
    """Write one message to stderr, in red on a terminal, never wrapped."""
    from rich.text import Text

    from stepwell.cli.output import stderr_console
    from stepwell.utils.closed_output import keeping_going

    text = Text(prefix, style="bold red") if prefix else Text()
    text.append(message)
    with keeping_going():  # stderr's reader went away: the error still sets the status
        stderr_console().print(text, soft_wrap=True, highlight=False)


@contextlib.contextmanager
def hint(text: str) -> Iterator[None]:
    """Add `text` (how to find valid names) to a not-found error raised inside the block."""
    from stepwell.exceptions import EntityNotFoundError

    try:
        yield
    except EntityNotFoundError as error:
        raise CliError(f"{error} {text}") from error
