"""Table cells: every time column shows local time to the second, as the runs table does."""

from datetime import datetime, timezone

import pytest

from stepwell.cli.output import cell


@pytest.mark.parametrize(
    "column", ["created", "updated", "start_time", "end_time", "next_run_time", "last_run_time"]
)
def test_time_columns_are_local_and_to_the_second(column):
    moment = datetime(2026, 12, 4, 9, 30, 12, 123456, tzinfo=timezone.utc)
    shown = cell(column, moment.isoformat()).plain
    assert shown == moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    assert "123456" not in shown


def test_other_columns_keep_their_text():
    assert cell("timing", "every 10s").plain == "every 10s"
    assert cell("name", "2026-12-04T09:30:12").plain == "2026-12-04T09:30:12"
