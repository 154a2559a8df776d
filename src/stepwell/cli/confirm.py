"""Asking before destructive commands (read layer): one helper for every `delete`, `clean`
and `prune`.

On a terminal the question is asked (declining ends the command with `Aborted.`). Without
one (a script, a pipe, CI) there is nobody to answer, so instead of reading an empty answer
and stopping with a bare `Aborted.`, the command fails with one line that says how to run it
unasked: `-y` (`--yes`).
"""

from __future__ import annotations

import sys

import typer

from stepwell.cli.errors import CliError


def confirm_or_stop(question: str, action: str, *, yes: bool) -> None:
    """Return when `yes` was given or the user agrees to `question`; otherwise stop the
    command. `action` names what needs agreement ("Deleting model 'x'")."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise CliError(f"{action} needs confirmation; pass -y (--yes) to do it without asking.")
    typer.confirm(question, abort=True, err=True)
