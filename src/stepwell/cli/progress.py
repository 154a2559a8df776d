"""Live progress of a run in the CLI: observers of the orchestrator's run events (read layer).

The orchestration loop tells observers (`stepwell.orchestrators.events.observing`) when a run
starts, when one of its steps changes state and when it ends. `LiveProgress` turns that into
a line per state change and a progress bar on a terminal; `PlainProgress` prints plain lines
(`[step] load: running`) where there is no terminal (CI, pipes). `summary_table` renders the
finished run from the store. Every duration shown is the store's (`stepwell.store.durations`:
recorded start to recorded end), carried by the events, so it matches what `stepwell pipeline
runs list` and `describe` show later; the live bar's clock, injected for tests, only ticks
while the run goes.
"""

from __future__ import annotations

import io
import os
import re
import sys
import time
from collections.abc import Callable
from typing import IO, Any

from rich.console import Console, Group
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from stepwell.cli.output import STATUS_STYLES, CliTable, format_duration

# States after which a step is done for this run (a `retried` attempt is followed by another).
DONE = frozenset({"completed", "cached", "failed", "skipped", "stopped"})
ICONS = {
    "queued": "○",
    "running": "▶",
    "retrying": "↻",
    "retried": "↻",
    "completed": "✓",
    "cached": "✓",
    "failed": "✗",
    "skipped": "-",
    "stopping": "■",
    "stopped": "■",
}

Clock = Callable[[], float]


class _AboveTheBar(io.TextIOBase):
    """A terminal stream for a forked child: each new line first clears the bar's line.

    The parent redraws the bar below the text at its next refresh, so a step's output
    scrolls up above the live view instead of being appended to the bar.
    """

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._line_start = True

    def write(self, text: str) -> int:
        pieces = []
        for line in re.findall(r"[^\n]*\n|[^\n]+", text):
            if self._line_start:
                pieces.append("\r\x1b[2K")
            pieces.append(line)
            self._line_start = line.endswith("\n")
        self._stream.write("".join(pieces))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._stream, "encoding", "utf-8") or "utf-8"


def _plain_streams_in_child() -> None:
    """In a forked child (a step's worker, a background run), write to the real streams.

    While the live view runs, Rich replaces sys.stdout and sys.stderr in this process with
    proxies that print through its console; a child must not use that console (its lock
    may have been held by the refresh thread at the fork), so it gets the files back.
    """
    for name in ("stdout", "stderr"):
        proxied = getattr(getattr(sys, name), "rich_proxied_file", None)
        if proxied is not None:
            setattr(sys, name, _AboveTheBar(proxied) if proxied.isatty() else proxied)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_plain_streams_in_child)


def _status(value: Any) -> str:
    return str(getattr(value, "value", value))


class RunTracker:
    """Remembers the run being observed (so a failed call can still report it)."""

    def __init__(self) -> None:
        self.run: Any = None

    def run_started(self, run: Any, step_ids: list[str]) -> None:
        self.run = run


def _suffix(seconds: float | None) -> str:
    return f" ({format_duration(seconds)})" if seconds is not None else ""


class _RunElapsedColumn(TimeElapsedColumn):
    """The bar's clock while the run goes; the run's recorded duration once it has ended."""

    def render(self, task: Task) -> Text:
        recorded = task.fields.get("duration")
        if recorded is None:
            return super().render(task)
        return Text(format_duration(recorded), style="progress.elapsed")


class PlainProgress:
    """One plain line per event, for logs and pipes."""

    def __init__(self, console: Console) -> None:
        self.pid = os.getpid()
        self.console = console

    def _line(self, text: str) -> None:
        if os.getpid() == self.pid:  # not in a forked background run: that one logs itself
            self.console.print(Text(text), soft_wrap=True, highlight=False)

    def run_started(self, run: Any, step_ids: list[str]) -> None:
        count = len(step_ids)
        self._line(f"[run] {run.name}: started ({count} step{'' if count == 1 else 's'})")

    def step_changed(self, invocation_id: str, status: Any, duration: float | None) -> None:
        self._line(f"[step] {invocation_id}: {_status(status)}{_suffix(duration)}")

    def run_finished(self, run: Any) -> None:
        self._line(f"[run] {run.name}: {_status(run.status)}{_suffix(run.duration)}")

    def close(self) -> None:
        """Nothing to tidy up (the live view has a display to stop)."""


class LiveProgress:
    """A line per step state change above a progress bar of the run's steps."""

    def __init__(
        self, console: Console, clock: Clock = time.monotonic, auto_refresh: bool = True
    ) -> None:
        self.pid = os.getpid()
        self.console = console
        self.clock = clock
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("steps"),
            _RunElapsedColumn(),
            console=console,
            get_time=clock,
            auto_refresh=auto_refresh,
        )
        self.task: Any = None
        self.width = 0
        self.states: dict[str, str] = {}

    def run_started(self, run: Any, step_ids: list[str]) -> None:
        if os.getpid() != self.pid:  # a forked background run: no display there
            return
        self.width = max((len(step) for step in step_ids), default=0)
        self.states = dict.fromkeys(step_ids, "")
        self.console.print(
            Text.assemble("Running ", (run.pipeline_name, "bold"), f" as {run.name}"),
            soft_wrap=True,
        )
        self.task = self.progress.add_task(run.name, total=len(step_ids))
        self.progress.start()

    def step_changed(self, invocation_id: str, status: Any, duration: float | None) -> None:
        if self.task is None:  # not started (or a forked background run)
            return
        state = _status(status)
        was_done = self.states.get(invocation_id) in DONE
        self.states[invocation_id] = state
        running = [step for step, now in self.states.items() if now in ("running", "retrying")]
        description = f"running {', '.join(running)}" if running else "waiting"
        self.progress.update(self.task, description=description)
        if state == "running":
            # A step that starts shows in the bar (at its next tick) rather than as a line;
            # its line comes when it ends. (A cache hit is never announced `running`.)
            return
        self.console.print(self.line(invocation_id, state, duration), soft_wrap=True)
        if state in DONE and not was_done:
            self.progress.advance(self.task)
        self.progress.refresh()  # show the change now, not at the next tick

    def line(self, invocation_id: str, state: str, seconds: float | None) -> Text:
        """`  ✓ load      completed  0.52s`, coloured by state."""
        style = STATUS_STYLES.get(state, "")
        text = Text("  ")
        text.append(ICONS.get(state, "?"), style=style)
        text.append(f" {invocation_id.ljust(self.width)}  ")
        text.append(state.ljust(9), style=style)
        if seconds is not None:
            text.append(f"  {format_duration(seconds)}", style="dim")
        text.rstrip()
        return text

    def run_finished(self, run: Any) -> None:
        if self.task is not None:
            state = _status(run.status)
            self.progress.update(
                self.task, description=f"{run.name} {state}", duration=run.duration
            )
        self.close()

    def close(self) -> None:
        """Stop the live display (safe to call twice)."""
        if self.progress.live.is_started:
            self.progress.refresh()
            self.progress.stop()


def summary_table(run: Any) -> Group:
    """The steps of a finished run (status, duration, cached or not) under a title line."""
    state = _status(run.status)
    title = Text.assemble("Run ", (run.name, "bold"), " ", (state, STATUS_STYLES.get(state, "")))
    if run.duration is not None:
        title.append(f" in {format_duration(run.duration)}")
    table = CliTable(header_style="bold")  # ASCII borders when stdout is no terminal
    for column in ("STEP", "STATUS", "DURATION", "CACHED"):
        table.add_column(column)
    for invocation_id, step_run in run.steps.items():
        step_state = _status(step_run.status)
        cached = step_state == "cached" or step_run.original_step_run_id is not None
        table.add_row(
            invocation_id,
            Text(step_state, style=STATUS_STYLES.get(step_state, "")),
            format_duration(step_run.duration),
            "yes" if cached else "no",
        )
    return Group(title, table)
