"""Dynamic pipelines: the function runs during the run; steps are created as it goes."""

import os

import pytest

from stepwell import pipeline, step, unmapped
from stepwell.client import Client
from stepwell.compiler.spec import PipelineSpec
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import PipelineDefinitionError, StepDefinitionError, StepFailedError


@step
def numbers(n: int) -> list:
    return list(range(n))


@step
def square(x: int, offset: int = 0) -> int:
    return x * x + offset


@step
def pid_of(x: int) -> int:
    return os.getpid()


@step
def total(values: list) -> int:
    return sum(values)


@step
def pair(a: int, b: str) -> str:
    return f"{a}{b}"


@pipeline(dynamic=True)
def mapping(n: int = 4):
    squares = square.map(x=numbers(n), offset=unmapped(1))
    result = total(squares)
    if result.load() > 10:  # real Python over step results
        square(x=result, id="big")
    else:
        square(x=0, id="small")


def test_map_names_each_element_and_fans_in_without_the_client():
    run = mapping()
    assert run.status is ExecutionStatus.COMPLETED
    assert {"square:0", "square:1", "square:2", "square:3", "total", "big"} <= set(run.steps)
    assert "small" not in run.steps
    assert run.steps["square:2"].output.load() == 5
    assert run.steps["total"].output.load() == 0 + 1 + 1 + 1 + 4 + 1 + 9 + 1
    assert run.steps["big"].output.load() == 18 * 18


def test_the_stored_dag_shows_the_expanded_steps_and_edges():
    run = mapping(n=2)
    spec = PipelineSpec.model_validate(Client().get_snapshot(run.snapshot_id).spec)
    by_id = spec.by_id
    assert by_id["square:1"].inputs["x"].artifacts[0].invocation_id == "numbers"
    assert by_id["square:1"].inputs["x"].artifacts[0].index == 1
    assert [ref.invocation_id for ref in by_id["total"].inputs["values"].artifacts] == [
        "square:0",
        "square:1",
    ]


def test_mapped_steps_are_cached_individually():
    mapping(n=3)
    run = mapping(n=4)
    statuses = {name: s.status for name, s in run.steps.items()}
    assert statuses["square:0"] is ExecutionStatus.CACHED
    assert statuses["square:2"] is ExecutionStatus.CACHED
    assert statuses["square:3"] is ExecutionStatus.COMPLETED


@pipeline(dynamic=True, enable_cache=False)
def products():
    results = pair.product(a=[1, 2], b=["x", "y"])
    assert [future.load() for future in results] == ["1x", "1y", "2x", "2y"]
    first = results[0].result()
    return pair(a=3, b=first)


def test_product_and_indexing_and_passing_handles_on():
    run = products()
    assert run.steps["pair"].output.load() == "31x"
    assert len([name for name in run.steps if name.startswith("pair:")]) == 4


@pipeline(dynamic=True, enable_cache=False)
def futures():
    a = square.submit(x=2)
    b = square.submit(x=3, after=a)
    assert a.load() == 4
    b.wait()
    return total([a, b])


def test_submit_returns_futures_usable_as_inputs_and_in_after():
    run = futures()
    assert run.steps["total"].output.load() == 13
    a, b = run.steps["square"], run.steps["square_2"]
    assert b.start_time >= a.end_time  # after=a ordered them


@pipeline(dynamic=True, enable_cache=False)
def in_processes():
    pid_of.map(x=[1, 2, 3])


def test_dynamic_steps_run_in_worker_processes():
    run = in_processes()
    pids = {run.steps[f"pid_of:{i}"].output.load() for i in range(3)}
    assert os.getpid() not in pids


@step
def fragile(x: int) -> int:
    if x == 2:
        raise ValueError(f"element {x} is bad")
    return x


@pipeline(dynamic=True, enable_cache=False)
def failing_map():
    results = fragile.map(x=[0, 1, 2, 3])
    total(results)


def test_a_failing_element_is_handled_by_the_execution_mode_and_named():
    from stepwell.orchestrators.events import observing

    class Ends:
        runs: list = []

        def run_finished(self, run):
            self.runs.append(run)

    with observing(Ends()) as ends:
        with pytest.raises(StepFailedError, match=r"'total' skipped.*fragile:2: element 2 is bad"):
            failing_map()
    run = Client().list_pipeline_runs(pipeline_name="failing_map")[0]
    assert run.status is ExecutionStatus.FAILED
    # Observers (the CLI's live progress) hear of the end of a failed run too.
    assert [(r.id, r.status) for r in ends.runs] == [(run.id, ExecutionStatus.FAILED)]
    assert run.steps["fragile:2"].status is ExecutionStatus.FAILED
    assert "element 2 is bad" in run.steps["fragile:2"].exception
    assert run.steps["fragile:3"].status is ExecutionStatus.COMPLETED
    assert run.steps["total"].status is ExecutionStatus.SKIPPED


@pipeline(dynamic=True)
def bad_lengths():
    pair.map(a=[1, 2], b=["x"])


@pipeline(dynamic=True)
def not_a_sequence():
    square.map(x=square(x=3))


def test_zipped_inputs_of_different_lengths_and_non_sequences_are_clear_errors():
    with pytest.raises(PipelineDefinitionError, match=r"different lengths.*'a': 2.*'b': 1"):
        bad_lengths()
    with pytest.raises(PipelineDefinitionError, match=r"input 'x'.*a int, not a sequence"):
        not_a_sequence()


def test_map_and_submit_outside_a_dynamic_pipeline_say_what_to_do():
    @pipeline
    def static():
        square.map(x=[1, 2])

    with pytest.raises(StepDefinitionError, match=r"@pipeline\(dynamic=True\)"):
        static()
    with pytest.raises(StepDefinitionError, match=r"dynamic=True"):
        square.submit(x=1)
