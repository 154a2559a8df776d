"""End to end on the embedded defaults: run pipelines, then read them back with the Client."""

import logging
import sys
from typing import Annotated, Tuple

import pytest

from stepwell import get_step_context, pipeline, step
from stepwell.client import Client
from stepwell.enums import ExecutionMode, ExecutionStatus
from stepwell.exceptions import (
    DuplicateRunNameError,
    EntityNotFoundError,
    PipelineRunFailedError,
    StepContextError,
)

logger = logging.getLogger("user.steps")


@step
def load() -> dict:
    return {"a": 7, "b": 2}


@step
def pick(data: dict, key: str) -> int:
    return data[key]


@step
def divide(a: int, b: int) -> Tuple[Annotated[int, "quotient"], Annotated[int, "remainder"]]:
    return a // b, a % b


@pipeline
def training_pipeline(mode: str = "train"):
    data = load()
    divide(pick(data, key="a"), pick(data, key="b"))


def test_run_returns_its_record_and_client_finds_it_by_name_id_and_prefix():
    run = training_pipeline()
    assert run.status is ExecutionStatus.COMPLETED
    client = Client()
    by_name = client.get_pipeline_run(run.name)
    assert by_name.id == run.id
    assert client.get_pipeline_run(run.id).name == run.name
    assert client.get_pipeline_run(str(run.id)[:8]).name == run.name
    assert set(by_name.steps) == {"load", "pick", "pick_2", "divide"}
    assert by_name.steps["divide"].outputs["quotient"][0].load() == 3
    assert by_name.steps["divide"].outputs["remainder"][0].load() == 1
    assert by_name.config.parameters == {"mode": "train"}


def test_run_name_follows_the_default_format():
    run = training_pipeline()
    prefix, date, time = run.name.split("-")
    assert prefix == "training_pipeline"
    assert len(date.split("_")) == 3 and len(time.split("_")) == 4


def test_finished_log_line(stepwell_logs):
    run = training_pipeline()
    assert f"Pipeline run {run.name} has finished in" in stepwell_logs.text


def test_custom_run_name_with_substitutions_and_duplicate_name_fails_before_running():
    named = training_pipeline.with_options(
        run_name="exp_{experiment}_{date}", substitutions={"experiment": "lr"}
    )
    run = named()
    assert run.name.startswith("exp_lr_")
    fixed = training_pipeline.with_options(run_name="fixed_name")
    fixed()
    before = len(Client().list_pipeline_runs(size=100))
    with pytest.raises(DuplicateRunNameError, match="fixed_name"):
        fixed()
    assert len(Client().list_pipeline_runs(size=100)) == before
    # A name that happens to be another run's id prefix is still free.
    prefix = run.id.hex[:8]
    assert training_pipeline.with_options(run_name=prefix)().name == prefix


@step
def report_context(some_parameter: int = 1) -> str:
    context = get_step_context()
    return f"{context.pipeline.name}|{context.pipeline_run.name}|{context.step_run.name}|{context.step_run.config.parameters}"


@pipeline
def context_pipeline():
    report_context()


def test_step_context_inside_a_step_and_outside():
    run = context_pipeline()
    value = run.steps["report_context"].output.load()
    assert value == f"context_pipeline|{run.name}|report_context|{{'some_parameter': 1}}"
    with pytest.raises(StepContextError, match="only available inside a step"):
        get_step_context()


@step
def fails() -> int:
    raise ValueError("boom in step")


@step
def after_fail(x: int) -> int:
    return x


@step
def independent() -> int:
    return 5


@pipeline
def failing_pipeline():
    after_fail(fails())
    independent()


def test_failing_step_fails_run_records_traceback_and_skips_dependants():
    with pytest.raises(PipelineRunFailedError, match="fails") as caught:
        failing_pipeline()
    assert isinstance(caught.value.__cause__, ValueError)
    run = Client().list_pipeline_runs(pipeline_name="failing_pipeline")[0]
    assert run.status is ExecutionStatus.FAILED
    steps = run.steps
    assert steps["fails"].status is ExecutionStatus.FAILED
    assert "boom in step" in steps["fails"].exception
    assert "Traceback" in steps["fails"].exception
    assert steps["fails"].outputs == {}
    assert steps["after_fail"].status is ExecutionStatus.SKIPPED
    assert steps["independent"].status is ExecutionStatus.COMPLETED
    assert [
        v.name for v in Client().list_artifact_versions(name="failing_pipeline::fails::output")
    ] == []


def test_fail_fast_raises_the_steps_own_exception():
    with pytest.raises(ValueError, match="boom in step"):
        failing_pipeline.with_options(execution_mode=ExecutionMode.FAIL_FAST)()


@step
def noisy() -> None:
    print("to stdout")
    print("to stderr", file=sys.stderr)
    logger.warning("through logging")


@pipeline
def noisy_pipeline():
    noisy()


def test_step_logs_are_captured_and_linked_to_the_step_run(capfd):
    run = noisy_pipeline()
    logs = run.steps["noisy"].logs
    assert "to stdout" in logs
    assert "to stderr" in logs
    assert "through logging" in logs
    # ... and still shown in the terminal.
    assert "to stdout" in capfd.readouterr().out


def test_artifact_versions_count_up_per_name():
    first, second = training_pipeline(), training_pipeline.with_options(enable_cache=False)()
    versions = Client().list_artifact_versions(name="quotient")
    assert [v.version_number for v in versions] == [1, 2]
    latest = Client().get_artifact_version("quotient")
    assert latest.version_number == 2
    assert Client().get_artifact_version("quotient", version=1).load() == 3
    assert latest.content_hash == versions[0].content_hash
    assert latest.size and latest.uri
    unnamed = Client().get_artifact_version("training_pipeline::load::output")
    assert unnamed.load() == {"a": 7, "b": 2}
    assert first.id != second.id


def test_second_run_is_cached_and_says_so(stepwell_logs):
    training_pipeline()
    assert "All steps of the pipeline run were cached." not in stepwell_logs.text
    run = training_pipeline()
    assert {s.status for s in run.steps.values()} == {ExecutionStatus.CACHED}
    assert "All steps of the pipeline run were cached." in stepwell_logs.text
    assert run.steps["divide"].outputs["quotient"][0].load() == 3


def test_list_runs_filters_by_pipeline_and_status_and_pages():
    training_pipeline()
    context_pipeline()
    with pytest.raises(PipelineRunFailedError):
        failing_pipeline()
    client = Client()
    assert [
        r.pipeline_name for r in client.list_pipeline_runs(pipeline_name="context_pipeline")
    ] == ["context_pipeline"]
    failed = client.list_pipeline_runs(status="failed")
    assert [r.pipeline_name for r in failed] == ["failing_pipeline"]
    assert len(client.list_pipeline_runs(size=2, page=1)) == 2
    assert len(client.list_pipeline_runs(size=2, page=2)) == 1
    assert {p.name for p in client.list_pipelines()} == {
        "training_pipeline",
        "context_pipeline",
        "failing_pipeline",
    }


def test_deleting_a_run_keeps_bytes_that_another_run_still_uses():
    first = training_pipeline()
    second = training_pipeline()  # cached: reuses the first run's artifact versions
    uri = second.steps["divide"].outputs["quotient"][0].uri
    client = Client()
    client.delete_pipeline_run(first.name)
    with pytest.raises(EntityNotFoundError):
        client.get_pipeline_run(first.name)
    assert client.get_pipeline_run(second.name).steps["divide"].outputs["quotient"][0].load() == 3
    client.delete_pipeline_run(second.name)
    import os

    assert not os.path.exists(uri)


@step
def unannotated(x):
    return x * 2


@pipeline
def unannotated_pipeline():
    unannotated(x=21)


def test_steps_without_annotations_work():
    run = unannotated_pipeline()
    assert run.steps["unannotated"].output.load() == 42


@pipeline
def data_pipeline(mode: str):
    data = load() if mode == "train" else load(id="test_loader")
    return pick(data, key="a")


@step
def add(a: int, b: int) -> int:
    return a + b


@pipeline
def composed_pipeline():
    train = data_pipeline(mode="train")
    test = data_pipeline(mode="test")
    add(train, test)


def test_composed_pipeline_runs_as_one_run_with_inner_outputs_flowing_on():
    run = composed_pipeline()
    assert run.steps["add"].output.load() == 14
    assert {p.name for p in Client().list_pipelines()} == {"composed_pipeline"}
