"""The live view shows a step's line when it ends, not when it starts: even if a `running`
event came before a cache hit (orchestrators no longer send one), only `cached` shows."""

import io
import re
from types import SimpleNamespace

from rich.console import Console

from stepwell.cli.progress import LiveProgress
from stepwell.enums import ExecutionStatus as S


def test_a_cached_step_shows_only_as_cached_in_the_live_view():
    console = Console(
        file=io.StringIO(), force_terminal=True, width=72, record=True, color_system=None
    )
    live = LiveProgress(console, clock=lambda: 5.0, auto_refresh=False)
    run = SimpleNamespace(name="demo-1", pipeline_name="demo", status=S.RUNNING, duration=0.5)
    live.run_started(run, ["load"])
    live.step_changed("load", S.RUNNING, None)
    live.step_changed("load", S.CACHED, 0.01)
    run.status = S.COMPLETED
    live.run_finished(run)
    events = re.findall(r"  (\S) (\w+) +(\w+)(?: +([\d.]+s))?", console.export_text())
    assert events == [("✓", "load", "cached", "0.01s")]
