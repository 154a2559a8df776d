"""The scheduler keeps running steps' resource demands within the capacity (no I/O)."""

import pytest

from stepwell.exceptions import ResourceSettingsError
from stepwell.execution.resources import Resources, check_fits, demand_of
from stepwell.execution.scheduler import Scheduler

GIB = 1 << 30
TWO_CPUS = Resources(cpu=2, memory=8 * GIB)
FAN_OUT = {"a": (), "b": (), "c": (), "d": ()}


def test_steps_whose_cpus_together_exceed_the_capacity_do_not_start_together():
    scheduler = Scheduler(
        FAN_OUT, demands=dict.fromkeys(FAN_OUT, Resources(cpu=1)), capacity=TWO_CPUS
    )
    assert scheduler.start().launch == ["a", "b"]
    assert scheduler.in_use == Resources(cpu=2)
    assert scheduler.succeeded("a").launch == ["c"]
    assert scheduler.succeeded("b").launch == ["d"]


def test_memory_bounds_how_many_steps_run_at_once():
    demands = dict.fromkeys(FAN_OUT, Resources(memory=3 * GIB))
    scheduler = Scheduler(FAN_OUT, demands=demands, capacity=TWO_CPUS)
    assert scheduler.start().launch == ["a", "b"]  # a third would need 9 GiB of 8


def test_steps_without_resource_settings_are_bounded_only_by_max_parallelism():
    demands = {"a": Resources(cpu=2)}
    scheduler = Scheduler(FAN_OUT, max_parallelism=3, demands=demands, capacity=TWO_CPUS)
    assert scheduler.start().launch == ["a", "b", "c"]


def test_a_later_smaller_step_goes_first_when_the_next_one_does_not_fit():
    demands = {"a": Resources(cpu=1), "b": Resources(cpu=2), "c": Resources(cpu=1)}
    scheduler = Scheduler({"a": (), "b": (), "c": ()}, demands=demands, capacity=TWO_CPUS)
    assert scheduler.start().launch == ["a", "c"]
    assert scheduler.succeeded("a").launch == []  # b needs both CPUs; c still holds one
    assert scheduler.succeeded("c").launch == ["b"]


def test_a_step_bigger_than_the_capacity_still_starts_alone_rather_than_hang():
    scheduler = Scheduler({"a": ()}, demands={"a": Resources(cpu=64)}, capacity=TWO_CPUS)
    assert scheduler.start().launch == ["a"]


def test_failed_and_stopped_steps_give_their_resources_back():
    demands = dict.fromkeys(FAN_OUT, Resources(cpu=2))
    scheduler = Scheduler(FAN_OUT, demands=demands, capacity=TWO_CPUS)
    assert scheduler.start().launch == ["a"]
    assert scheduler.failed_step("a").launch == ["b"]
    assert scheduler.stopped("b").launch == ["c"]
    assert scheduler.in_use == Resources(cpu=2)


def test_steps_added_while_the_run_goes_on_wait_for_resources():
    scheduler = Scheduler({}, capacity=TWO_CPUS)
    scheduler.start()
    assert scheduler.add_step("a", demand=Resources(cpu=2)).launch == ["a"]
    assert scheduler.add_step("b", demand=Resources(cpu=1)).launch == []
    assert scheduler.succeeded("a").launch == ["b"]


def test_demand_is_read_from_the_resources_setting():
    settings = {"resources": {"cpu_count": 1.5, "gpu_count": 1, "memory": "2GiB"}}
    assert demand_of(settings, "step 's'") == Resources(cpu=1.5, gpu=1, memory=2 * GIB)
    assert demand_of({}, "step 's'").is_zero


def test_a_step_asking_for_more_than_the_capacity_is_refused_naming_it():
    with pytest.raises(ResourceSettingsError, match="Step 'trainer' asks for 4 CPUs"):
        check_fits({"trainer": Resources(cpu=4)}, TWO_CPUS)
    with pytest.raises(ResourceSettingsError, match="1 GPUs"):
        check_fits({"trainer": Resources(gpu=1)}, TWO_CPUS)
    check_fits({"trainer": Resources(cpu=4)}, None)  # no capacity known: nothing to refuse
