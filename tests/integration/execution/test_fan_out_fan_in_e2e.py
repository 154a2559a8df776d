"""The spec's fan-out/fan-in pipeline, unchanged but for `zenml` -> `stepwell`, runs its
process steps in parallel, and the fan-in step's Client lookup sees every one of them."""

from stepwell import get_step_context, pipeline, step
from stepwell.client import Client
from stepwell.enums import ExecutionStatus


# -- the spec's example, verbatim apart from the imports --------------------------------------
@step
def load_step() -> str:
    return "Hello from ZenML!"


@step
def process_step(input_data: str) -> str:
    return input_data


@step
def combine_step(step_prefix: str, output_name: str) -> None:
    run_name = get_step_context().pipeline_run.name
    run = Client().get_pipeline_run(run_name)

    # Fetch all results from parallel processing steps
    processed_results = {}
    for step_name, step_info in run.steps.items():
        if step_name.startswith(step_prefix):
            output = step_info.outputs[output_name][0]
            processed_results[step_info.name] = output.load()

    # Combine all results
    print(",".join([f"{k}: {v}" for k, v in processed_results.items()]))


@pipeline(enable_cache=False)
def fan_out_fan_in_pipeline(parallel_count: int) -> None:
    # Initial step (source)
    input_data = load_step()

    # Fan out: Process data in parallel branches
    after = []
    for i in range(parallel_count):
        artifact = process_step(input_data, id=f"process_{i}")
        after.append(artifact)

    # Fan in: Combine results from all parallel branches
    combine_step(step_prefix="process_", output_name="output", after=after)


# -- tests ------------------------------------------------------------------------------------
def test_fan_out_steps_run_side_by_side_and_fan_in_sees_all_outputs():
    run = fan_out_fan_in_pipeline(parallel_count=8)
    assert run.status is ExecutionStatus.COMPLETED
    processes = [run.steps[f"process_{i}"] for i in range(8)]
    assert all(p.status is ExecutionStatus.COMPLETED for p in processes)
    # All eight were running at one moment: each started before any of them ended.
    assert max(p.start_time for p in processes) < min(p.end_time for p in processes)
    combine = run.steps["combine_step"]
    assert combine.start_time >= max(p.end_time for p in processes)
    printed = [line for line in combine.logs.splitlines() if line.startswith("process_")]
    assert len(printed) == 1
    assert sorted(printed[0].split(",")) == sorted(
        f"process_{i}: Hello from ZenML!" for i in range(8)
    )


def test_fan_out_is_sequential_with_max_parallelism_one():
    run = fan_out_fan_in_pipeline.with_options(settings={"orchestrator": {"max_parallelism": 1}})(
        parallel_count=3
    )
    processes = sorted(
        (run.steps[f"process_{i}"] for i in range(3)), key=lambda step_run: step_run.start_time
    )
    for earlier, later in zip(processes, processes[1:]):
        assert earlier.end_time <= later.start_time


# -- fan-in through a list input --------------------------------------------------------------
@step(enable_cache=False)
def produce(value: int) -> int:
    return value


@step(enable_cache=False)
def combine(results: list) -> list:
    return results


@pipeline
def list_fan_in_pipeline():
    a = produce(value=30, id="a")
    b = produce(value=10, id="b")
    c = produce(value=20, id="c")
    combine(results=[c, a, b])


def test_a_list_of_outputs_arrives_as_a_list_in_the_order_given():
    run = list_fan_in_pipeline()
    assert run.steps["combine"].output.load() == [20, 30, 10]
    assert [v.load() for v in run.steps["combine"].inputs["results"]] == [20, 30, 10]
