"""A failed step's log ends with the traceback, and `exception_info` holds it, wherever the
attempt failed: loading its inputs, in a materializer, in its own code, with stepwell's
logger quieted, or when its process died before it could report. A failure hook that
raises adds its own traceback only, not the step's error a second time."""

import os
import shutil
from typing import Any

import pytest

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.enums import ArtifactType, ExecutionStatus
from stepwell.exceptions import PipelineRunFailedError
from stepwell.materializers.base_materializer import BaseMaterializer


class Fragile:
    def __init__(self, value: int) -> None:
        self.value = value


class FragileMaterializer(BaseMaterializer):
    ASSOCIATED_TYPES = (Fragile,)
    ASSOCIATED_ARTIFACT_TYPE = ArtifactType.DATA

    def save(self, data: Fragile) -> None:
        with self.artifact_store.open(os.path.join(self.uri, "value.txt"), "w") as handle:
            handle.write(str(data.value))

    def load(self, data_type: type[Any]) -> Fragile:
        raise OSError("the fragile artifact cannot be read back")


class Unsaveable:
    pass


class UnsaveableMaterializer(BaseMaterializer):
    ASSOCIATED_TYPES = (Unsaveable,)
    ASSOCIATED_ARTIFACT_TYPE = ArtifactType.DATA

    def save(self, data: Unsaveable) -> None:
        raise ValueError("the unsaveable artifact cannot be saved")

    def load(self, data_type: type[Any]) -> Unsaveable:
        return Unsaveable()


def hook_that_breaks(error: BaseException) -> None:
    raise KeyError("the hook broke")


@step
def make() -> int:
    return 10


@step
def make_fragile() -> Fragile:
    return Fragile(3)


@step
def divide(x: int) -> float:
    print("dividing")
    return x / 2


@step
def use_fragile(f: Fragile) -> int:
    return f.value


@step
def fails_in_its_code() -> None:
    print("about to fail")
    raise ValueError("the step gives up")


@step
def dies() -> None:
    print("about to die")
    os._exit(3)


@step(on_failure=hook_that_breaks)
def fails_with_a_broken_hook() -> None:
    raise ValueError("the step gives up")


@step(on_failure=hook_that_breaks)
def makes_unsaveable() -> Unsaveable:
    return Unsaveable()


@pipeline(enable_cache=False)
def broken_hook_pipeline():
    fails_with_a_broken_hook()


@pipeline(enable_cache=False)
def unsaveable_pipeline():
    makes_unsaveable()


@pipeline(enable_cache=False)
def producer():
    make()


@pipeline(enable_cache=False)
def consumer(x):
    divide(x)


@pipeline(enable_cache=False)
def fragile_pipeline():
    use_fragile(make_fragile())


@pipeline(enable_cache=False)
def failing_pipeline():
    fails_in_its_code()


@pipeline(enable_cache=False)
def dying_pipeline():
    dies()


def _failed_step(run_pipeline: Any, name: str) -> Any:
    with pytest.raises(PipelineRunFailedError):
        run_pipeline()
    run = Client().list_pipeline_runs(sort_by="desc:created", size=1).items[0]
    step_run = Client().get_pipeline_run(run.id).steps[name]
    assert step_run.status is ExecutionStatus.FAILED
    return step_run


def _deleted_input() -> Any:
    version = producer().steps["make"].outputs["output"][0]
    shutil.rmtree(version.uri) if os.path.isdir(version.uri) else os.remove(version.uri)
    return version


@pytest.fixture(params=["local", "inline"])
def orchestrator(request, monkeypatch):
    if request.param == "inline":
        monkeypatch.setenv("STEPWELL_DEBUG", "True")
    return request.param


def test_step_whose_input_file_was_deleted_logs_the_error(orchestrator) -> None:
    version = _deleted_input()

    step_run = _failed_step(lambda: consumer(version), "divide")

    lines = step_run.logs.rstrip().splitlines()
    # stepwell's own error, raised outside user code: its message says it all, and its
    # frames (all stepwell's) are shown only in debug mode (the inline case).
    debug = orchestrator == "inline"
    assert ("Traceback (most recent call last):" in step_run.logs) == debug
    assert lines[-1].startswith("stepwell.exceptions.ArtifactFilesMissingError: The files of")
    assert "dividing" not in step_run.logs  # the step's own code never ran
    assert step_run.exception_info is not None
    assert "ArtifactFilesMissingError" in step_run.exception_info.traceback
    assert step_run.exception_info.step_code_line is None


def test_quiet_stepwell_logger_still_leaves_the_error_in_the_log(orchestrator, monkeypatch) -> None:
    version = _deleted_input()
    monkeypatch.setenv("STEPWELL_LOGGING_VERBOSITY", "CRITICAL")

    step_run = _failed_step(lambda: consumer(version), "divide")

    assert "Step divide failed" in step_run.logs
    assert "are gone from the artifact store" in step_run.logs.rstrip().splitlines()[-1]


def test_materializer_that_cannot_load_leaves_its_traceback_in_the_log() -> None:
    step_run = _failed_step(fragile_pipeline, "use_fragile")

    assert "in load" in step_run.logs
    assert step_run.logs.rstrip().splitlines()[-1] == (
        "OSError: the fragile artifact cannot be read back"
    )
    assert step_run.exception_info.traceback == step_run.exception


def test_exception_info_points_at_the_failing_line_of_step_code() -> None:
    step_run = _failed_step(failing_pipeline, "fails_in_its_code")

    source = fails_in_its_code.entrypoint.__code__
    raise_line = source.co_firstlineno + 3  # decorator, def, print, raise
    assert step_run.exception_info.step_code_line == raise_line
    assert step_run.logs.index("about to fail") < step_run.logs.index("ValueError")


def test_the_traceback_starts_at_the_step_function_not_in_stepwell() -> None:
    step_run = _failed_step(failing_pipeline, "fails_in_its_code")

    for text in (step_run.logs, step_run.exception_info.traceback):
        frames = text.split("Traceback (most recent call last):\n", 1)[1].splitlines()
        assert frames[0].startswith('  File "') and frames[0].endswith("in fails_in_its_code")
        assert "stepwell/execution" not in text and "async_calls" not in text


def test_the_failure_header_names_the_step_once() -> None:
    step_run = _failed_step(failing_pipeline, "fails_in_its_code")

    assert "Step fails_in_its_code failed:\nTraceback" in step_run.logs
    assert step_run.logs.count("fails_in_its_code failed") == 1


@pytest.mark.parametrize(
    ("run_pipeline", "name", "headline", "error"),
    [
        (
            broken_hook_pipeline,
            "fails_with_a_broken_hook",
            "Step fails_with_a_broken_hook failed:",
            "ValueError: the step gives up",
        ),
        (
            unsaveable_pipeline,
            "makes_unsaveable",
            "Step makes_unsaveable failed in materializer UnsaveableMaterializer "
            "(output 'output'):",
            "ValueError: the unsaveable artifact cannot be saved",
        ),
    ],
    ids=["step code", "materializer"],
)
def test_a_broken_failure_hook_logs_its_own_traceback_not_the_step_error_again(
    run_pipeline: Any, name: str, headline: str, error: str
) -> None:
    step_run = _failed_step(run_pipeline, name)

    logs = step_run.logs
    assert f"{headline}\nTraceback" in logs
    assert logs.count(error) == 1  # the step's own traceback, once
    hook_part = logs.split(f"Hook {__name__}:hook_that_breaks of step {name} failed", 1)[1]
    frames = hook_part.split("Traceback (most recent call last):\n", 1)[1].splitlines()
    assert frames[0].startswith('  File "') and frames[0].endswith("in hook_that_breaks")
    assert hook_part.rstrip().splitlines()[-1] == "KeyError: 'the hook broke'"
    assert "During handling" not in logs
    assert "stepwell/execution" not in logs and "async_calls" not in logs
    assert "the hook broke" not in step_run.exception_info.traceback


def test_step_whose_process_died_says_so_in_its_log() -> None:
    step_run = _failed_step(dying_pipeline, "dies")

    assert "about to die" in step_run.logs
    assert "died without reporting: exited with code 3" in step_run.logs.splitlines()[-1]
    assert step_run.exception_info is not None


def test_completed_step_has_no_exception_info() -> None:
    assert producer().steps["make"].exception_info is None
