"""The orchestration loop tells observers about every state change (for live displays)."""

from stepwell import pipeline, step
from stepwell.enums import ExecutionStatus
from stepwell.orchestrators.events import observing


class Recorder:
    def __init__(self):
        self.events = []

    def run_started(self, run, step_ids):
        self.events.append(("started", tuple(step_ids)))

    def step_changed(self, invocation_id, status, duration):
        self.events.append((invocation_id, status, duration is not None))

    def run_finished(self, run):
        self.events.append(("finished", run.status))


class Broken:
    def step_changed(self, *args):
        raise RuntimeError("a display bug")


@step
def first() -> int:
    return 1


@step
def boom(x: int) -> int:
    raise ValueError("no")


@step
def after(x: int) -> int:
    return x


@pipeline(enable_cache=False)
def observed():
    after(boom(first()))


@step
def cacheable() -> int:
    return 7


@pipeline
def cached_twice():
    cacheable()


def test_a_cache_hit_is_reported_cached_with_its_recorded_duration_and_never_running():
    cached_twice()
    recorder = Recorder()
    with observing(recorder):
        cached_twice()
    assert recorder.events == [
        ("started", ("cacheable",)),
        ("cacheable", ExecutionStatus.CACHED, True),  # 0 s: as `runs describe` shows it
        ("finished", ExecutionStatus.COMPLETED),
    ]


def test_observers_see_each_step_change_and_a_broken_observer_changes_nothing():
    recorder = Recorder()
    with observing(recorder), observing(Broken()):
        run = observed.with_options(execution_mode="continue_on_failure")
        try:
            run()
        except RuntimeError:
            pass
    assert recorder.events == [
        ("started", ("first", "boom", "after")),
        ("first", ExecutionStatus.RUNNING, False),
        ("first", ExecutionStatus.COMPLETED, True),
        ("boom", ExecutionStatus.RUNNING, False),
        ("boom", ExecutionStatus.FAILED, True),
        ("after", ExecutionStatus.SKIPPED, False),
        ("finished", ExecutionStatus.FAILED),
    ]
