"""The scheduler decides launches, skips and stops under each execution mode (no I/O)."""

import pytest

from stepwell.enums import ExecutionMode
from stepwell.execution.scheduler import Scheduler, StepState

# The spec's example: 1 -> {2,3,4}; 2->5, 3->6, 4->7; {5,6,7} -> 8
DAG = {
    "s1": (),
    "s2": ("s1",),
    "s3": ("s1",),
    "s4": ("s1",),
    "s5": ("s2",),
    "s6": ("s3",),
    "s7": ("s4",),
    "s8": ("s5", "s6", "s7"),
}


def started_fan_out(mode):
    scheduler = Scheduler(DAG, mode)
    assert scheduler.start().launch == ["s1"]
    assert scheduler.succeeded("s1").launch == ["s2", "s3", "s4"]
    return scheduler


def test_fail_fast_stops_running_steps_and_launches_nothing():
    scheduler = started_fan_out(ExecutionMode.FAIL_FAST)
    decision = scheduler.failed_step("s2")
    assert decision.stop == ["s3", "s4"]
    assert decision.launch == []
    assert decision.skip == ["s5", "s6", "s7", "s8"]
    assert scheduler.stopped("s3").launch == []
    assert scheduler.stopped("s4").launch == []
    assert scheduler.is_finished
    assert scheduler.state["s3"] is StepState.STOPPED


def test_stop_on_failure_lets_running_steps_finish_and_skips_the_rest():
    scheduler = started_fan_out(ExecutionMode.STOP_ON_FAILURE)
    decision = scheduler.failed_step("s2")
    assert decision.stop == []
    assert decision.skip == ["s5", "s6", "s7", "s8"]
    assert scheduler.succeeded("s3").launch == []
    assert scheduler.succeeded("s4").launch == []
    assert scheduler.is_finished
    assert scheduler.state["s6"] is StepState.SKIPPED


def test_continue_on_failure_runs_independent_branches_and_skips_dependants():
    scheduler = started_fan_out(ExecutionMode.CONTINUE_ON_FAILURE)
    decision = scheduler.failed_step("s2")
    assert decision.skip == ["s5", "s8"]
    assert decision.stop == []
    assert scheduler.succeeded("s3").launch == ["s6"]
    assert scheduler.succeeded("s4").launch == ["s7"]
    assert scheduler.succeeded("s6").launch == []
    assert scheduler.succeeded("s7").launch == []
    assert scheduler.is_finished
    assert scheduler.failed == ["s2"]


def test_continue_on_error_is_an_alias():
    assert ExecutionMode.CONTINUE_ON_ERROR is ExecutionMode.CONTINUE_ON_FAILURE
    assert ExecutionMode("continue_on_error") is ExecutionMode.CONTINUE_ON_FAILURE


def test_max_parallelism_limits_launches():
    scheduler = Scheduler(DAG, max_parallelism=2)
    scheduler.start()
    assert scheduler.succeeded("s1").launch == ["s2", "s3"]
    assert scheduler.succeeded("s2").launch == ["s4"]


def test_max_parallelism_below_one_is_rejected():
    with pytest.raises(ValueError, match="max_parallelism"):
        Scheduler(DAG, max_parallelism=0)


def test_request_stop_stops_running_and_skips_pending():
    scheduler = started_fan_out(ExecutionMode.CONTINUE_ON_FAILURE)
    decision = scheduler.request_stop()
    assert decision.stop == ["s2", "s3", "s4"]
    assert decision.skip == ["s5", "s6", "s7", "s8"]


def test_a_step_cannot_finish_twice():
    scheduler = Scheduler({"a": ()})
    scheduler.start()
    scheduler.succeeded("a")
    with pytest.raises(ValueError, match="already finished"):
        scheduler.failed_step("a")


# -- the incremental bookkeeping against a plain model of the rules ----------------------------
class RescanModel:
    """The scheduling rules written the obvious way: rescan every step on every event."""

    def __init__(self, dag, mode, capacity):
        self.upstream, self.mode, self.capacity = dict(dag), mode, capacity
        self.order = list(dag)
        self.state = dict.fromkeys(dag, "pending")
        self.halted = False

    def running(self):
        return [s for s in self.order if self.state[s] == "running"]

    def launch(self):
        launched = []
        if self.halted:
            return launched
        room = None if self.capacity is None else self.capacity - len(self.running())
        for step in self.order:
            if room is not None and room <= 0:
                break
            deps_done = all(self.state[d] == "succeeded" for d in self.upstream[step])
            if self.state[step] == "pending" and deps_done:
                self.state[step] = "running"
                launched.append(step)
                room = None if room is None else room - 1
        return launched

    def dependants(self, step):
        found, stack = [], [s for s in self.order if step in self.upstream[s]]
        while stack:
            current = stack.pop()
            if self.state[current] == "pending":
                self.state[current] = "skipped"
                found.append(current)
                stack.extend(s for s in self.order if current in self.upstream[s])
        return sorted(found, key=self.order.index)

    def event(self, step, outcome):
        self.state[step] = outcome
        skip, stop = [], []
        if outcome == "failed" and self.mode is not ExecutionMode.CONTINUE_ON_FAILURE:
            self.halted = True
            skip = [s for s in self.order if self.state[s] == "pending"]
            for s in skip:
                self.state[s] = "skipped"
            if self.mode is ExecutionMode.FAIL_FAST:
                stop = self.running()
            return [], skip, stop
        if outcome != "succeeded":
            if self.halted:
                return [], [], []
            skip = self.dependants(step)
        return self.launch(), skip, stop

    def add(self, step, deps):
        self.upstream[step] = tuple(deps)
        self.order.append(step)
        self.state[step] = "pending"
        bad = ("failed", "skipped", "stopped")
        if self.halted or any(self.state[d] in bad for d in deps):
            self.state[step] = "skipped"
            return [], [step], []
        return self.launch(), [], []


@pytest.mark.parametrize("seed", range(60))
def test_decisions_match_a_rescanning_model_on_random_runs(seed):
    import random

    rng = random.Random(seed)
    mode = rng.choice(list(ExecutionMode))
    capacity = rng.choice([None, 1, 2, 3])
    dag = {}
    for index in range(rng.randint(1, 12)):
        earlier = list(dag)
        dag[f"s{index}"] = tuple(rng.sample(earlier, rng.randint(0, min(3, len(earlier)))))
    scheduler = Scheduler(dag, mode, capacity)
    model = RescanModel(dag, mode, capacity)
    assert scheduler.start().launch == model.launch()
    added = 0
    while not scheduler.is_finished:
        running = scheduler.running
        assert running == model.running()
        if rng.random() < 0.15 and added < 4:  # a dynamic step appears
            name, added = f"d{added}", added + 1
            deps = rng.sample(list(scheduler.state), rng.randint(0, 2))
            decision = scheduler.add_step(name, deps)
            expected = model.add(name, deps)
        else:
            assert running, "nothing runs, yet the run is not finished"
            step = rng.choice(running)
            outcome = rng.choices(["succeeded", "failed", "stopped"], [6, 2, 1])[0]
            event = {
                "succeeded": scheduler.succeeded,
                "failed": scheduler.failed_step,
                "stopped": scheduler.stopped,
            }[outcome]
            decision = event(step)
            expected = model.event(step, outcome)
        assert (decision.launch, decision.skip, decision.stop) == expected
        assert {s: v.value for s, v in scheduler.state.items()} == model.state
    assert all(
        value in ("succeeded", "failed", "skipped", "stopped") for value in model.state.values()
    )
