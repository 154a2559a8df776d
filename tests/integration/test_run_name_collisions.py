"""A run named from its start time (the default) never fails because another process took
the same name in the same microsecond: the name is made again from the next microsecond.
A name the user chose is never changed."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from stepwell.config.pipeline_config import PipelineConfig
from stepwell.config.run_name import format_run_name
from stepwell.exceptions import DuplicateRunNameError
from stepwell.runs.submit import _create_run
from stepwell.store.active import get_store

STARTED = datetime(2026, 12, 4, 12, 0, 0, 5, tzinfo=timezone.utc)


def _record(store, name: str, config: PipelineConfig):
    return _create_run(
        store, name, config, STARTED, pipeline_id=None, pipeline_name="p", snapshot_id=None
    )


def test_a_time_based_name_taken_in_the_same_microsecond_moves_to_the_next(stepwell_home):
    store, config = get_store(), PipelineConfig(name="p")
    name = format_run_name(None, "p", STARTED)
    first = _record(store, name, config)
    second = _record(store, name, config)
    third = _record(store, name, config)

    assert first.name == name
    assert second.name == name[:-6] + "000006"  # the next microsecond
    assert third.name == name[:-6] + "000007"
    assert second.start_time == third.start_time == STARTED  # the start time is the real one


def test_a_chosen_name_that_is_taken_still_fails(stepwell_home):
    store, config = get_store(), PipelineConfig(name="p", run_name="nightly")
    _record(store, "nightly", config)
    with pytest.raises(DuplicateRunNameError):
        _record(store, "nightly", config)
