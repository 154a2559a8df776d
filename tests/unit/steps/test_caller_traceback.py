"""`for_the_caller`: which frames a failed pipeline call's error keeps, and when."""

import traceback

import pytest

from stepwell.exceptions import PipelineRunFailedError
from stepwell.steps.caller_traceback import for_the_caller

# Code that runs as if it were a module of stepwell (frames are told apart by module name).
_OWN_CODE = """
def own_raise(make):
    raise make()

def own_call(function):
    return function()
"""


def _stepwell_module(name="stepwell.fake_internals"):
    namespace = {"__name__": name}
    exec(compile(_OWN_CODE, f"/fake/src/{name.replace('.', '/')}.py", "exec"), namespace)
    return namespace


@pytest.fixture(autouse=True)
def no_debug_switches(monkeypatch):
    monkeypatch.delenv("STEPWELL_DEBUG", raising=False)
    monkeypatch.delenv("STEPWELL_LOGGING_VERBOSITY", raising=False)


def _caught(function):
    try:
        function()
    except Exception as error:
        return error
    raise AssertionError("nothing was raised")


def _functions(error):
    return [frame.name for frame in traceback.extract_tb(error.__traceback__)]


def users_function():
    raise ValueError("user's own")


def test_a_stepwell_error_loses_stepwells_frames_and_keeps_the_users():
    own = _stepwell_module()

    def users_pipeline():
        own["own_raise"](lambda: PipelineRunFailedError("run failed"))

    error = _caught(lambda: own["own_call"](users_pipeline))
    assert "own_raise" in _functions(error)

    assert for_the_caller(error) is error
    assert "own_call" not in _functions(error)
    assert "own_raise" not in _functions(error)
    assert "users_pipeline" in _functions(error)


def test_an_error_raised_in_user_code_loses_stepwells_frames():
    own = _stepwell_module()
    error = _caught(lambda: own["own_call"](users_function))

    for_the_caller(error)

    assert "own_call" not in _functions(error)
    assert _functions(error)[-1] == "users_function"


def test_an_error_raised_inside_stepwell_keeps_every_frame():
    own = _stepwell_module()
    error = _caught(lambda: own["own_raise"](lambda: KeyError("a stepwell bug")))
    before = _functions(error)

    for_the_caller(error)

    assert _functions(error) == before
    assert "own_raise" in before


def test_the_cause_is_kept_and_trimmed_too():
    own = _stepwell_module()
    cause = _caught(lambda: own["own_call"](users_function))

    def fail_from_cause():
        raise PipelineRunFailedError("run failed") from cause

    error = _caught(lambda: own["own_call"](fail_from_cause))

    for_the_caller(error)

    assert error.__cause__ is cause
    assert "own_call" not in _functions(cause)
    assert _functions(cause)[-1] == "users_function"


@pytest.mark.parametrize(
    ("variable", "value"),
    [("STEPWELL_LOGGING_VERBOSITY", "DEBUG"), ("STEPWELL_DEBUG", "True")],
)
def test_the_debug_switches_keep_every_frame(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    own = _stepwell_module()
    error = _caught(lambda: own["own_raise"](lambda: PipelineRunFailedError("run failed")))
    before = _functions(error)

    for_the_caller(error)

    assert _functions(error) == before


def test_an_unreadable_verbosity_does_not_hide_the_error(monkeypatch):
    monkeypatch.setenv("STEPWELL_LOGGING_VERBOSITY", "LOUD")
    own = _stepwell_module()
    error = _caught(lambda: own["own_raise"](lambda: PipelineRunFailedError("run failed")))

    assert for_the_caller(error) is error
    assert "own_raise" not in _functions(error)
