"""A step that fails in stepwell's own code (an input whose files are gone) shows stepwell's
error message, not a traceback of stepwell's frames; a bug keeps its whole traceback."""

from __future__ import annotations

import os
import shutil
import sys
from typing import Any

import pytest

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.enums import ArtifactType
from stepwell.exceptions import StepwellError
from stepwell.execution.user_code import framework_traceback
from stepwell.materializers.base_materializer import BaseMaterializer


@step
def ten() -> int:
    return 10


@step
def half(x: int) -> int:
    return x // 2


@pipeline(enable_cache=False)
def ten_pipeline() -> None:
    ten()


@pipeline(enable_cache=False)
def half_pipeline(x: int) -> None:
    half(x)


def test_an_input_whose_files_are_gone_logs_the_message_alone(stepwell_home):
    stored = ten_pipeline().steps["ten"].output
    shutil.rmtree(stored.uri) if os.path.isdir(stored.uri) else os.remove(stored.uri)
    with pytest.raises(RuntimeError):
        half_pipeline(stored)

    run = Client().list_pipeline_runs(pipeline_name="half_pipeline", size=1)[0]
    failed = Client().get_pipeline_run(run.id).steps["half"]
    logs = failed.logs
    last = logs.rstrip().splitlines()[-1]
    assert last.startswith("stepwell.exceptions.ArtifactFilesMissingError: The files of ")
    assert "ten_pipeline::ten::output" in last and stored.uri in last  # what is missing
    assert "Run the step that produced it again" in last  # and what to do
    assert 'File "' not in logs  # no frames: they would all be stepwell's
    assert "ArtifactFilesMissingError" in failed.exception_info.traceback
    assert 'File "' not in failed.exception_info.traceback


def _raised(error: BaseException) -> BaseException:
    try:
        raise error
    except BaseException as caught:
        return caught


def test_chained_messages_are_kept_without_frames():
    try:
        try:
            raise FileNotFoundError("no such file: /data/x")
        except FileNotFoundError as missing:
            raise StepwellError("cannot load input 'x'") from missing
    except StepwellError as error:
        text = framework_traceback(error)
    assert "FileNotFoundError: no such file: /data/x" in text
    assert "direct cause" in text
    assert text.rstrip().endswith("StepwellError: cannot load input 'x'")
    assert 'File "' not in text


def test_a_bug_in_stepwell_keeps_its_whole_traceback():
    text = framework_traceback(_raised(AttributeError("'NoneType' object has no attribute 'x'")))
    assert 'File "' in text and "AttributeError" in text


def test_debug_mode_keeps_the_frames_of_stepwells_own_errors(monkeypatch):
    monkeypatch.setenv("STEPWELL_DEBUG", "true")
    text = framework_traceback(_raised(StepwellError("cannot load input 'x'")))
    assert 'File "' in text


class Point:
    def __init__(self, x: int) -> None:
        self.x = x


class UnreadablePointMaterializer(BaseMaterializer):
    ASSOCIATED_TYPES = (Point,)
    ASSOCIATED_ARTIFACT_TYPE = ArtifactType.DATA
    SKIP_REGISTRATION = True

    def save(self, data: Point) -> None:
        with open(os.path.join(self.uri, "point.txt"), "w") as file:
            file.write(str(data.x))

    def load(self, data_type: type[Any]) -> Point:
        raise TypeError("cannot read points")


@step(output_materializers=UnreadablePointMaterializer)
def make_point() -> Point:
    return Point(1)


@step
def use_point(point: Point) -> int:
    return point.x


@pipeline(enable_cache=False)
def point_pipeline() -> None:
    use_point(make_point())


def test_a_users_materializer_failing_to_load_an_input_is_named_and_its_frames_shown(
    stepwell_home,
):
    with pytest.raises(RuntimeError) as raised:
        point_pipeline()

    run = Client().list_pipeline_runs(pipeline_name="point_pipeline", size=1)[0]
    failed = Client().get_pipeline_run(run.id).steps["use_point"]
    logs = failed.logs
    assert (
        "Step use_point failed in materializer UnreadablePointMaterializer (input 'point')" in logs
    )
    frames = logs.split("Traceback (most recent call last):\n", 1)[1].splitlines()
    assert frames[0].startswith('  File "') and frames[0].endswith("in load")
    assert "stepwell/" not in logs.split("Traceback", 1)[1]
    assert logs.rstrip().endswith("TypeError: cannot read points")
    # The step's error came back from its worker with no traceback: it says where that is
    # (notes exist from Python 3.11 on).
    if sys.version_info >= (3, 11):
        notes = raised.value.__cause__.__notes__
        assert notes == ["(raised in step 'use_point'; its traceback is in the step's log)"]
