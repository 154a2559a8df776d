"""How long a run or step run took: the one definition every reader shows (store layer).

A run's (or step run's) duration is the time from its recorded `start_time` to its recorded
`end_time`, both stamped by the orchestrating process. The live progress of a run, its log
summary, `stepwell pipeline runs list` and `describe`, the summary table and the dashboard
all show this number, so the same run never shows two durations. (`store/sql/durations.py`
is the same definition as a SQL expression, for sorting lists by duration.)
"""

from __future__ import annotations

from datetime import datetime


def seconds_between(start: datetime | None, end: datetime | None) -> float | None:
    """Seconds from `start` to `end`; None until both are known."""
    if start is None or end is None:
        return None
    return (end - start).total_seconds()
