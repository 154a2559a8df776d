"""Rendering for the CLI (read layer): tables for people, JSON for scripts.

Commands build plain rows (dicts of JSON-ready values) and hand them to `show`, which prints
a Rich table or, with `--output json`, the rows as JSON. Colours appear only on a terminal
(Rich's detection, which also honours NO_COLOR); in pipes tables are plain text (ASCII
borders, see `CliTable`) and wide enough that values are not cut. Everything printed passes
`clean`, which strips terminal control characters from text that may come from a shared
store (names, messages, logs).
"""

from __future__ import annotations

import errno
import json
import os
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from enum import Enum
from typing import Any

import typer
from rich import box
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

PIPE_WIDTH = 240

STATUS_STYLES = {
    "initializing": "dim",
    "provisioning": "dim",
    "queued": "dim",
    "running": "blue",
    "retrying": "yellow",
    "completed": "green",
    "cached": "cyan",
    "failed": "bold red",
    "retried": "yellow",
    "skipped": "yellow",
    "stopping": "magenta",
    "stopped": "magenta",
}


class OutputFormat(str, Enum):
    """How list and describe commands print their result."""

    table = "table"
    json = "json"


OUTPUT_OPTION = typer.Option(
    OutputFormat.table, "--output", "-o", help="table for people, json for scripts."
)


# Terminal escape sequences (CSI, OSC up to BEL or ST, two-byte ESC sequences), then any other
# C0/C1 control character but newline and tab, and the bidirectional-text overrides.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]|\x9b[0-?]*[ -/]*[@-~]"
)
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """`text` without terminal control: the CLI prints names, messages and logs that anyone
    able to write to a shared store may have set, and an escape sequence in them could
    rewrite the screen, hide lines or set hyperlinks. Newlines and tabs stay."""
    if text.isprintable():
        return text
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


class _CleanConsole(Console):
    """A Rich console that strips control characters from everything it renders; Rich's
    own styling and cursor movement (control segments) are added after this and stay."""

    def render(self, renderable: Any, options: Any = None) -> Iterable[Segment]:
        for segment in super().render(renderable, options):
            if segment.control is None and not segment.text.isprintable():
                yield Segment(clean(segment.text), segment.style, segment.control)
            else:
                yield segment

    def on_broken_pipe(self) -> None:
        """The reader of this console's stream went away: drop its output from now on and
        silence the fd (`stepwell.utils.closed_output`). Rich's own default ends the process
        with status 1, which in the middle of a run would record the run failed; here the
        command stops with `BrokenPipeError` (the error boundary exits 141), or, inside
        `keeping_going` (a run), goes on."""
        from stepwell.utils.closed_output import reader_gone, should_stop, stream_fd

        self.quiet = True
        reader_gone(stream_fd(self.file))
        if should_stop():
            raise BrokenPipeError(errno.EPIPE, "the reader of the output went away")


class CliTable(Table):
    """A Rich table drawn with box characters on a terminal and with plain ASCII borders
    (`+---+`, `| a |`) anywhere else (pipes, files, CI logs), where box characters are
    noise to the tools and people reading the text."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        drawn = self.box
        if not console.is_terminal and drawn is not None and not drawn.ascii:
            self.box = box.ASCII2
        try:
            yield from super().__rich_console__(console, options)
        finally:
            self.box = drawn


def echo(text: str, nl: bool = True) -> None:
    """Write raw text (e.g. a step's log) to stdout, cleaned of control characters."""
    typer.echo(clean(text), nl=nl)


def _console(stream: Any) -> Console:
    width = None
    if not stream.isatty() and not os.environ.get("COLUMNS"):
        width = PIPE_WIDTH  # a pipe has no width: don't fold values at 80 columns
    return _CleanConsole(file=stream, width=width, highlight=False, soft_wrap=False)


def stdout_console() -> Console:
    """A console on the current stdout (made per call: tests swap sys.stdout)."""
    return _console(sys.stdout)


def stderr_console() -> Console:
    """A console on the current stderr, for errors, notes and live progress."""
    return _console(sys.stderr)


def note(message: str) -> None:
    """A short remark for people (stderr, so stdout stays clean for scripts)."""
    stderr_console().print(Text(message, style="dim"), soft_wrap=True)


def say(message: str | Text) -> None:
    """A result line on stdout (a plain string is printed as is, never read as markup:
    it may hold names from the store)."""
    stdout_console().print(Text(message) if isinstance(message, str) else message, soft_wrap=True)


def print_json(data: Any) -> None:
    """Print `data` as indented JSON on stdout."""
    typer.echo(json.dumps(data, indent=2, default=_json_default))


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return str(value)


def show(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    output: OutputFormat,
    title: str | None = None,
    empty: str = "Nothing to show.",
    page: Any = None,
) -> None:
    """Print `rows` as a table of `columns` (keys of each row), or all of each row as JSON.

    `page`, the list call's `Page`, adds a line on stderr when more pages follow."""
    if output is OutputFormat.json:
        print_json(list(rows))
        return
    if not rows:
        note(empty)
        return
    table = CliTable(title=title, header_style="bold", title_justify="left")
    for column in columns:
        table.add_column(column.replace("_", " ").upper(), overflow="fold")
    for row in rows:
        table.add_row(*(cell(column, row.get(column)) for column in columns))
    stdout_console().print(table)
    if page is not None:
        from stepwell.cli.paging import more_pages_text

        more = more_pages_text(page)
        if more:
            note(more)


def show_record(fields: dict[str, Any], output: OutputFormat, title: str | None = None) -> None:
    """Print one record as a two-column table of field and value, or as JSON."""
    if output is OutputFormat.json:
        print_json(fields)
        return
    console = stdout_console()
    table = Table(
        title=title,
        show_header=False,
        title_justify="left",
        box=None,
        pad_edge=console.is_terminal,
    )
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for key, value in fields.items():
        if isinstance(value, (list, dict)):
            continue
        table.add_row(key.replace("_", " "), cell(key, value))
    if console.is_terminal:
        console.print(table)
        return
    # In a pipe or a file: `field  value` lines, without the padding that fills each line
    # out to the table's width (trailing blanks are noise to `grep`, `diff` and `cut`).
    with console.capture() as captured:
        console.print(table)
    lines = [line.rstrip() for line in captured.get().splitlines()]
    console.file.write("\n".join(lines) + "\n")
    console.file.flush()


def cell(column: str, value: Any) -> Text:
    """One table cell: statuses coloured, times local and short, None as a dash."""
    if value is None or value == "":
        return Text("-", style="dim")
    if isinstance(value, bool):
        return Text("yes" if value else "no")
    if column in ("status", "active") and isinstance(value, str):
        return Text(value, style=STATUS_STYLES.get(value, ""))
    if column.startswith("duration") and isinstance(value, (int, float)):
        return Text(format_duration(value))
    if isinstance(value, str) and (column in ("created", "updated") or column.endswith("_time")):
        return Text(format_time(value))
    if isinstance(value, datetime):
        return Text(format_time(value.isoformat()))
    return Text(str(value))


def format_duration(seconds: float | None) -> str:
    """`0.42s`, `12.3s`, `4m05s`, `1h02m`."""
    if seconds is None:
        return "-"
    if seconds < 10:
        return f"{seconds:.2f}s"
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def format_time(iso: str) -> str:
    """An ISO time as `YYYY-MM-DD HH:MM:SS` in local time."""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def is_quiet(ctx: typer.Context) -> bool:
    """Whether the global `--quiet` flag was given."""
    return bool(getattr(ctx.find_root().obj, "quiet", False))
