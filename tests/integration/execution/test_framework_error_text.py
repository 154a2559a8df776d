"""A step that fails in stepwell's own code (an input whose files are gone) shows stepwell's
error message, not a traceback of stepwell's frames; a bug keeps its whole traceback."""

from __future__ import annotations

import os
import shutil

import pytest

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.exceptions import StepwellError
from stepwell.execution.user_code import framework_traceback


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
    assert "stepwell.exceptions.MaterializerError: " in logs
    assert stored.uri in logs  # the message names what is missing
    assert 'File "' not in logs  # no frames: they would all be stepwell's
    assert "MaterializerError" in failed.exception_info.traceback
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
