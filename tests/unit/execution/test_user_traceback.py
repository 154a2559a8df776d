"""The traceback kept for a failed step starts at the user's code: stepwell's calling
frames before it (the boundary, the call helper, asyncio's and a thread pool's for `async
def` steps) are left out, unless STEPWELL_DEBUG asks for everything."""

import asyncio
import json
import re

import pytest

from stepwell.execution.user_code import failure_of, user_code
from stepwell.utils.async_calls import call


def parses_bad_json() -> None:
    json.loads("{not json")  # a library frame below the user's: kept


async def fails_async() -> None:
    raise ValueError("async step failed")


# Stands in for `run_attempt`: a caller whose frame counts as stepwell's (by module name).
_ATTEMPT = """
def run_attempt(function):
    with user_code("step 'demo'"):
        call(function)
"""
_namespace = {"__name__": "stepwell.execution.attempt_double", "user_code": user_code, "call": call}
exec(compile(_ATTEMPT, "attempt_double.py", "exec"), _namespace)
run_attempt = _namespace["run_attempt"]


def _failure_text(function) -> str:
    with pytest.raises(BaseException) as caught:
        run_attempt(function)
    return failure_of(caught.value).traceback


def _frames(text: str) -> list[str]:
    return re.findall(r'File "[^"]*", line \d+, in (\S+)', text)


def test_a_sync_step_traceback_starts_at_the_step_and_keeps_library_frames():
    text = _failure_text(parses_bad_json)

    frames = _frames(text)
    assert frames[0] == "parses_bad_json"
    assert "loads" in frames and "decode" in frames
    assert "async_calls.py" not in text and "user_code.py" not in text
    assert text.rstrip().splitlines()[-1].startswith("json.decoder.JSONDecodeError")


def test_an_async_step_traceback_starts_at_the_step_with_nothing_chained():
    text = _failure_text(fails_async)

    assert _frames(text) == ["fails_async"]
    assert "During handling" not in text  # no stray "no running event loop" context


def test_an_async_step_run_from_inside_an_event_loop_starts_at_the_step():
    async def outer() -> str:  # the helper-thread path of `run_coroutine`
        return _failure_text(fails_async)

    assert _frames(asyncio.run(outer())) == ["fails_async"]


def test_a_failure_with_no_user_frame_keeps_the_whole_traceback():
    text = _failure_text(len)  # len() with no argument fails inside stepwell's helper

    assert _frames(text) == ["user_code", "run_attempt", "call"]
    assert text.rstrip().splitlines()[-1].startswith("TypeError")


def test_debug_mode_keeps_stepwells_frames(monkeypatch):
    monkeypatch.setenv("STEPWELL_DEBUG", "True")

    text = _failure_text(parses_bad_json)

    assert _frames(text)[:4] == ["user_code", "run_attempt", "call", "parses_bad_json"]
