"""Due times of schedules: the pure rules the store and the server's scheduler rely on."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from stepwell.config.schedule import Schedule
from stepwell.config.schedule_times import Timing, after_firing, first_run_time, next_run_time

T0 = datetime(2026, 1, 5, 12, 0, tzinfo=timezone.utc)


def _at(minutes: float = 0, seconds: float = 0) -> datetime:
    return T0 + timedelta(minutes=minutes, seconds=seconds)


def _interval(seconds: float = 60, **fields) -> Timing:
    return Timing.of(Schedule(start_time=T0, interval_second=seconds, **fields))


def test_an_interval_schedule_is_due_at_its_start_then_every_interval():
    timing = _interval(60)
    assert first_run_time(timing, _at(-10)) == T0
    assert next_run_time(timing, T0) == _at(1)
    assert next_run_time(timing, _at(1, 30)) == _at(2)
    assert next_run_time(timing, _at(-5)) == T0  # before the start: the start


def test_a_start_time_in_the_past_is_kept_as_the_first_due_time():
    assert first_run_time(_interval(60), _at(30)) == T0


def test_without_catchup_missed_due_times_are_skipped_after_one_run():
    timing = _interval(60, catchup=False)
    # Due at T0, fired only at T0 + 10.5 min (the server was down): the next is from now.
    assert after_firing(timing, T0, _at(10, 30)) == _at(11)


def test_with_catchup_every_missed_due_time_comes_in_turn():
    timing = _interval(60, catchup=True)
    now = _at(10, 30)
    due, fired = T0, []
    while due is not None and due <= now:
        fired.append(due)
        due = after_firing(timing, due, now)
    assert fired == [_at(m) for m in range(11)]
    assert due == _at(11)


def test_on_time_firing_moves_to_the_next_due_time_either_way():
    for catchup in (False, True):
        timing = _interval(60, catchup=catchup)
        assert after_firing(timing, _at(3), _at(3, 0.2)) == _at(4)


def test_no_due_time_comes_after_the_end_time():
    timing = _interval(60, end_time=_at(2, 30))
    assert next_run_time(timing, _at(1)) == _at(2)
    assert next_run_time(timing, _at(2)) is None
    assert after_firing(timing, _at(2), _at(2)) is None
    ended = Timing.of(Schedule(start_time=T0, interval_second=60, end_time=_at(0, 30)))
    assert first_run_time(ended, _at(5)) == T0  # the start itself is within the end


def test_a_cron_schedule_is_due_at_its_matches_in_utc():
    timing = Timing.of(Schedule(cron_expression="*/15 * * * *"))
    assert first_run_time(timing, _at(1)) == _at(15)
    assert next_run_time(timing, _at(15)) == _at(30)
    assert next_run_time(timing, _at(14, 59)) == _at(15)


def test_a_cron_schedule_starts_at_its_start_time_and_includes_a_match_on_it():
    timing = Timing.of(Schedule(cron_expression="0 * * * *", start_time=_at(60)))
    assert first_run_time(timing, T0) == _at(60)
    assert next_run_time(timing, T0) == _at(60)  # nothing before the start


def test_a_cron_schedule_without_catchup_skips_to_the_first_match_after_now():
    timing = Timing.of(Schedule(cron_expression="0 * * * *"))
    assert after_firing(timing, T0, _at(5 * 60 + 1)) == _at(6 * 60)


def test_a_six_field_cron_expression_counts_seconds():
    timing = Timing.of(Schedule(cron_expression="* * * * * */2"))  # croniter: seconds last
    assert next_run_time(timing, T0) == _at(seconds=2)


def test_a_run_once_schedule_is_due_once():
    timing = Timing.of(Schedule(run_once_start_time=_at(5)))
    assert first_run_time(timing, T0) == _at(5)
    assert first_run_time(timing, _at(10)) == _at(5)  # late: still due (at once)
    assert after_firing(timing, _at(5), _at(5)) is None
    assert next_run_time(timing, _at(5)) is None


def test_the_cron_expression_wins_over_interval_and_run_once():
    both = Schedule(cron_expression="0 0 * * *", start_time=T0, interval_second=60)
    assert Timing.of(both).kind == "cron"
    interval_and_once = Schedule(start_time=T0, interval_second=60, run_once_start_time=T0)
    assert Timing.of(interval_and_once).kind == "interval"


def test_stored_intervals_in_seconds_and_naive_utc_times_are_read_alike():
    class Row:
        cron_expression = None
        interval_second = 90.0
        start_time = T0.replace(tzinfo=None)
        end_time = None
        run_once_start_time = None
        catchup = True

    timing = Timing.of(Row())
    assert timing.interval == timedelta(seconds=90)
    assert timing.start_time == T0
    assert timing.catchup is True


@pytest.mark.parametrize("after", [_at(0.5), _at(59, 59.999)])
def test_the_next_interval_due_time_is_strictly_after_and_aligned(after):
    due = next_run_time(_interval(60), after)
    assert due > after
    assert (due - T0) % timedelta(seconds=60) == timedelta(0)
    assert due - after <= timedelta(seconds=60)
