"""`Schedule` (`stepwell.config.schedule`) takes and refuses what ZenML's does."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from stepwell.config.pipeline_config import PipelineConfig
from stepwell.config.schedule import Schedule

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=timezone.utc)


def test_each_kind_alone_is_a_schedule():
    assert Schedule(cron_expression="0 3 * * *").cron_expression == "0 3 * * *"
    periodic = Schedule(start_time=NOW, interval_second=timedelta(minutes=5))
    assert periodic.interval_second == timedelta(minutes=5)
    assert Schedule(run_once_start_time=NOW).run_once_start_time == NOW


def test_interval_second_may_be_a_number_of_seconds():
    assert Schedule(start_time=NOW, interval_second=2.5).interval_second == timedelta(seconds=2.5)


@pytest.mark.parametrize(
    "fields",
    [{}, {"interval_second": 60}, {"start_time": NOW}, {"end_time": NOW}, {"catchup": True}],
    ids=["nothing", "interval without start", "start alone", "end alone", "catchup alone"],
)
def test_a_schedule_without_a_kind_is_refused(fields):
    with pytest.raises(ValidationError, match="needs a cron_expression"):
        Schedule(**fields)


@pytest.mark.parametrize("expression", ["nope", "* * *", "61 * * * *", "* * * * * * * *"])
def test_an_invalid_cron_expression_is_refused_naming_it(expression):
    with pytest.raises(ValidationError, match="is not a valid cron expression"):
        Schedule(cron_expression=expression)


def test_a_non_positive_interval_is_refused():
    with pytest.raises(ValidationError, match="interval_second must be positive"):
        Schedule(start_time=NOW, interval_second=0)


def test_an_end_before_the_start_is_refused():
    with pytest.raises(ValidationError, match="is not after start_time"):
        Schedule(start_time=NOW, interval_second=60, end_time=NOW - timedelta(hours=1))


def test_naive_datetimes_are_taken_in_the_local_time_zone():
    naive = datetime(2026, 1, 5, 12, 0)
    schedule = Schedule(run_once_start_time=naive)
    assert schedule.run_once_start_time.tzinfo is not None
    assert schedule.run_once_start_time == naive.astimezone()


def test_utc_times_are_offered_as_iso_text():
    schedule = Schedule(start_time=NOW, interval_second=60, end_time=NOW + timedelta(days=1))
    assert schedule.utc_start_time == "2026-01-05T12:00:00+00:00"
    assert schedule.utc_end_time == "2026-01-06T12:00:00+00:00"


def test_unknown_fields_are_refused():
    with pytest.raises(ValidationError, match="cron_expresion"):
        Schedule(cron_expresion="0 * * * *")


def test_a_pipeline_config_keeps_a_schedule_through_json():
    config = PipelineConfig(name="p", schedule={"start_time": NOW, "interval_second": 90})
    again = PipelineConfig.model_validate(config.model_dump(mode="json"))
    assert again.schedule == config.schedule
    assert again.schedule.interval_second == timedelta(seconds=90)


def test_schedule_is_importable_where_zenml_users_find_it():
    from stepwell.config import Schedule as Exported

    assert Exported is Schedule
