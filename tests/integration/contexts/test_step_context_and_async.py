"""Inside steps: `StepContext.inputs`, coerced parameters, `async def` steps and hooks."""

import asyncio
import os

import pytest

from stepwell import get_step_context, pipeline, step
from stepwell.enums import ExecutionStatus


@step
def produce() -> int:
    return 3


@step
def input_names(a: int, bs: list, scale: int = 2) -> dict:
    return {
        name: [v.name for v in versions] for name, versions in get_step_context().inputs.items()
    }


@pipeline(enable_cache=False)
def reads_inputs():
    input_names(produce(), [produce(), produce()], scale="5")


def test_step_context_inputs_lists_the_artifact_versions_of_each_artifact_input():
    run = reads_inputs()
    names = run.steps["input_names"].output.load()
    assert names == {
        "a": ["reads_inputs::produce::output"],
        "bs": ["reads_inputs::produce_2::output", "reads_inputs::produce_3::output"],
    }


def test_the_run_record_stores_the_coerced_parameter():
    run = reads_inputs()
    assert run.steps["input_names"].config.parameters == {"scale": 5}


async def mark_failure(error: BaseException) -> None:
    await asyncio.sleep(0)
    with open(os.environ["HOOK_MARK"], "w") as handle:
        handle.write(f"{get_step_context().step_name}: {error}")


@step
async def twice(x: int) -> int:
    await asyncio.sleep(0.01)
    return 2 * x


@step(on_failure=mark_failure)
async def broken() -> int:
    await asyncio.sleep(0)
    raise ValueError("no luck")


@pipeline(enable_cache=False)
def async_steps():
    twice(x=3)


@pipeline(enable_cache=False)
def async_failure():
    broken()


@pytest.mark.parametrize("debug", [False, True], ids=["local", "inline"])
def test_async_steps_run_to_their_result(debug, monkeypatch):
    if debug:
        monkeypatch.setenv("STEPWELL_DEBUG", "True")
    run = async_steps()
    assert run.status is ExecutionStatus.COMPLETED
    assert run.steps["twice"].output.load() == 6


@pytest.mark.parametrize("debug", [False, True], ids=["local", "inline"])
def test_an_async_failure_hook_runs_in_the_step_context(debug, monkeypatch, tmp_path):
    mark = tmp_path / "hook.txt"
    monkeypatch.setenv("HOOK_MARK", str(mark))
    if debug:
        monkeypatch.setenv("STEPWELL_DEBUG", "True")
    with pytest.raises(RuntimeError):
        async_failure()
    assert mark.read_text() == "broken: no luck"
