"""The traceback kept for a failed step starts at the user's code: stepwell's calling
frames before it (the boundary, the call helper, asyncio's and a thread pool's for `async
def` steps) are left out, unless STEPWELL_DEBUG asks for everything."""

import asyncio
import json
import re
from concurrent.futures import ThreadPoolExecutor

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

    # In a thread of its own: the browser tests' driver may still run a loop in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        text = pool.submit(asyncio.run, outer()).result()
    assert _frames(text) == ["fails_async"]


def test_a_failure_with_no_user_frame_keeps_the_whole_traceback():
    text = _failure_text(len)  # len() with no argument fails inside stepwell's helper

    assert _frames(text) == ["user_code", "run_attempt", "call"]
    assert text.rstrip().splitlines()[-1].startswith("TypeError")


def test_debug_mode_keeps_stepwells_frames(monkeypatch):
    monkeypatch.setenv("STEPWELL_DEBUG", "True")

    text = _failure_text(parses_bad_json)

    assert _frames(text)[:4] == ["user_code", "run_attempt", "call", "parses_bad_json"]


def divides_by_zero() -> None:
    1 / 0  # noqa: B018


# Stands in for a failed attempt that calls the step's failure hook (stepwell's frames).
_ATTEMPT_WITH_HOOK = """
def attempt_with_hook(function, hook, step_error_shown):
    try:
        with user_code("step 'demo'"):
            call(function)
    except Exception as error:
        with user_code("hook demo", shown=error if step_error_shown else None):
            call(hook)
"""
exec(compile(_ATTEMPT_WITH_HOOK, "attempt_double.py", "exec"), _namespace)
attempt_with_hook = _namespace["attempt_with_hook"]


def _hook_text(hook, step_error_shown: bool) -> str:
    """What the boundary keeps for `hook`, called while the step's error is handled (as a
    failure hook is), with that error marked as shown already or not."""
    with pytest.raises(BaseException) as caught:
        attempt_with_hook(divides_by_zero, hook, step_error_shown)
    return failure_of(caught.value).traceback


def breaks_while_handling() -> None:
    raise KeyError("hook broke")


def breaks_from_its_own_error() -> None:
    try:
        json.loads("{not json")
    except ValueError as error:
        raise RuntimeError("hook could not parse") from error


def test_a_hook_failure_leaves_out_the_step_error_it_was_handling():
    text = _hook_text(breaks_while_handling, step_error_shown=True)

    assert _frames(text) == ["breaks_while_handling"]
    assert "ZeroDivisionError" not in text and "During handling" not in text


def test_a_chained_error_is_trimmed_to_user_code_too():
    text = _hook_text(breaks_while_handling, step_error_shown=False)

    assert _frames(text) == ["divides_by_zero", "breaks_while_handling"]
    assert "During handling of the above exception" in text
    assert "attempt_double.py" not in text and "async_calls.py" not in text


def test_a_hooks_own_chained_errors_stay():
    text = _hook_text(breaks_from_its_own_error, step_error_shown=True)

    assert _frames(text)[0] == "breaks_from_its_own_error"
    assert "JSONDecodeError" in text
    assert "The above exception was the direct cause" in text
    assert text.rstrip().splitlines()[-1] == "RuntimeError: hook could not parse"
    assert "ZeroDivisionError" not in text


def test_a_context_suppressed_with_from_none_stays_out():
    def raises_from_none() -> None:
        try:
            json.loads("{not json")
        except ValueError:
            raise RuntimeError("plain") from None

    text = _failure_text(raises_from_none)

    assert "JSONDecodeError" not in text and "During handling" not in text


def test_the_headline_names_whose_code_failed_when_not_the_steps():
    from stepwell.execution.user_code import UserCodeFailure

    def headline(where: str) -> str:
        return UserCodeFailure(where=where, error=ValueError(), traceback="").headline("train")

    assert headline("step 'train'") == "Step train failed"
    assert headline("stepwell") == "Step train failed"
    assert headline("materializer M (output 'df')") == (
        "Step train failed in materializer M (output 'df')"
    )
