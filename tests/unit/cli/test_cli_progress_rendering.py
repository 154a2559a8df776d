"""The CLI's run observers render synthetic run events deterministically (injected clock);
the durations they show are the events' and the finished run's (the store's), never the clock's."""

import io
import re
from types import SimpleNamespace

from rich.console import Console

from stepwell.cli.progress import LiveProgress, PlainProgress, summary_table
from stepwell.enums import ExecutionStatus as S


class FakeClock:
    def __init__(self, now: float = 100.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def recording_console(terminal: bool) -> Console:
    return Console(
        file=io.StringIO(), force_terminal=terminal, width=72, record=True, color_system=None
    )


def drive(observer, clock):
    """A run of three steps: load completes, train fails, report is skipped. The clock
    ticks 3.5 s; the run's recorded start to end is 3.6 s."""
    run = SimpleNamespace(name="demo-1", pipeline_name="demo", status=S.RUNNING, duration=None)
    observer.run_started(run, ["load", "train", "report"])
    observer.step_changed("load", S.RUNNING, None)
    clock.now += 1.5
    observer.step_changed("load", S.COMPLETED, 1.25)
    observer.step_changed("train", S.RUNNING, None)
    clock.now += 2.0
    observer.step_changed("train", S.FAILED, 1.9)
    observer.step_changed("report", S.SKIPPED, None)
    run.status, run.duration = S.FAILED, 3.6
    observer.run_finished(run)


def test_plain_progress_prints_one_line_per_event():
    clock = FakeClock()
    console = recording_console(terminal=False)
    drive(PlainProgress(console), clock)
    assert console.export_text().splitlines() == [
        "[run] demo-1: started (3 steps)",
        "[step] load: running",
        "[step] load: completed (1.25s)",
        "[step] train: running",
        "[step] train: failed (1.90s)",
        "[step] report: skipped",
        "[run] demo-1: failed (3.60s)",
    ]


def test_live_progress_prints_state_changes_with_the_events_durations():
    clock = FakeClock()
    console = recording_console(terminal=True)
    drive(LiveProgress(console, clock=clock, auto_refresh=False), clock)
    text = console.export_text()
    assert text.startswith("Running demo as demo-1\n")
    events = re.findall(r"  (\S) (\w+) +(\w+)(?: +([\d.]+s))?", text)
    # A start shows in the bar, not as a line: a cache hit is announced `running` first.
    assert events == [
        ("✓", "load", "completed", "1.25s"),
        ("✗", "train", "failed", "1.90s"),
        ("-", "report", "skipped", ""),
    ]


def test_a_finished_step_whose_event_has_no_duration_shows_none():
    # A step stopped before it started has no recorded start: `runs describe` shows none.
    console = recording_console(terminal=False)
    progress = PlainProgress(console)
    progress.step_changed("train", S.RUNNING, None)
    progress.step_changed("train", S.STOPPED, None)
    assert console.export_text().splitlines()[-1] == "[step] train: stopped"


def test_live_progress_bar_counts_finished_steps_and_elapsed_time():
    clock = FakeClock()
    console = recording_console(terminal=True)
    drive(LiveProgress(console, clock=clock, auto_refresh=False), clock)
    text = console.export_text()
    counts = re.findall(r"(\d)/3 steps (\d:\d\d:\d\d)", text)
    assert [count for count, _ in counts] == sorted(count for count, _ in counts)
    assert ("1", "0:00:01") in counts
    # Once the run has ended, the bar shows its recorded duration, not the clock's.
    assert re.search(r"demo-1 failed ━+ 3/3 steps 3\.60s\s*$", text)


def test_live_progress_on_a_terminal_console_is_not_started_twice_or_left_running():
    clock = FakeClock()
    progress = LiveProgress(recording_console(terminal=True), clock=clock, auto_refresh=False)
    drive(progress, clock)
    assert not progress.progress.live.is_started
    progress.close()  # a second stop is harmless
    assert not progress.progress.live.is_started


def _finished_run() -> SimpleNamespace:
    def step(status, seconds, original=None):
        return SimpleNamespace(
            status=status,
            duration=seconds,
            original_step_run_id=original,
        )

    return SimpleNamespace(
        name="demo-1",
        status=S.COMPLETED,
        duration=75.0,
        steps={"load": step(S.CACHED, 0.01, original="x"), "train": step(S.COMPLETED, 12.5)},
    )


def test_summary_table_lists_steps_with_status_duration_and_caching():
    console = recording_console(terminal=True)
    console.print(summary_table(_finished_run()))
    lines = console.export_text().splitlines()
    assert lines[0] == "Run demo-1 completed in 1m15s"
    rows = [[cell.strip() for cell in line.split("│")[1:-1]] for line in lines if "│" in line]
    assert lines[2].split() == ["┃", "STEP", "┃", "STATUS", "┃", "DURATION", "┃", "CACHED", "┃"]
    assert rows == [
        ["load", "cached", "0.01s", "yes"],
        ["train", "completed", "12.5s", "no"],
    ]


def test_summary_table_out_of_a_terminal_is_plain_ascii():
    console = recording_console(terminal=False)
    console.print(summary_table(_finished_run()))
    text = console.export_text()
    assert text.isascii()
    assert text.splitlines()[1:] == [
        "+-------+-----------+----------+--------+",
        "| STEP  | STATUS    | DURATION | CACHED |",
        "+-------+-----------+----------+--------+",
        "| load  | cached    | 0.01s    | yes    |",
        "| train | completed | 12.5s    | no     |",
        "+-------+-----------+----------+--------+",
    ]


def test_a_forked_childs_terminal_lines_first_clear_the_bar_line():
    from stepwell.cli.progress import _AboveTheBar

    terminal = io.StringIO()
    stream = _AboveTheBar(terminal)
    stream.write("first line\nsecond")
    stream.write(" continued\n")
    assert terminal.getvalue() == "\r\x1b[2Kfirst line\n\r\x1b[2Ksecond continued\n"


def test_a_forked_child_gets_the_real_streams_back_from_the_live_view(monkeypatch):
    from rich.file_proxy import FileProxy

    from stepwell.cli.progress import _plain_streams_in_child

    real = io.StringIO()  # not a terminal: handed back as it is
    monkeypatch.setattr("sys.stdout", FileProxy(recording_console(terminal=True), real))
    _plain_streams_in_child()
    import sys

    assert sys.stdout is real
