"""Calling a step outside a pipeline: an unlisted one-step run, or the plain function."""

from typing import Tuple

import pytest

from stepwell import step
from stepwell.client import Client
from stepwell.exceptions import MissingAnnotationError

calls = []


@step
def divide(a: int, b: int) -> Tuple[int, int]:
    return a // b, a % b


@step
def total(values: list, offset: int = 0) -> int:
    return sum(values) + offset


def test_single_step_call_runs_an_unlisted_run_and_returns_its_outputs():
    assert divide(7, 2) == (3, 1)
    runs = Client().list_pipeline_runs(pipeline_name="divide")
    assert len(runs) == 1 and runs[0].is_unlisted
    assert runs[0].steps["divide"].outputs["output_0"][0].load() == 3
    assert Client().list_pipelines() == []


def test_single_step_takes_objects_that_are_not_json_as_artifacts():
    class Box:
        def __init__(self, items):
            self.items = items

    @step
    def unbox(box) -> int:
        return len(box.items)

    assert unbox(Box([1, 2, 3])) == 3


def test_entrypoint_calls_the_plain_function():
    assert divide.entrypoint(9, 4) == (2, 1)
    assert Client().list_pipeline_runs() == []


def test_env_var_makes_the_plain_call_the_default(monkeypatch):
    monkeypatch.setenv("STEPWELL_RUN_SINGLE_STEPS_WITHOUT_STACK", "True")
    assert total([1, 2], offset=1) == 4
    assert Client().list_pipeline_runs() == []


def test_enforced_annotations_fail_at_decoration(monkeypatch):
    monkeypatch.setenv("STEPWELL_ENFORCE_TYPE_ANNOTATIONS", "True")
    with pytest.raises(MissingAnnotationError, match="'x'"):

        @step
        def loose(x) -> int:
            return x


@step
def calls_another_step(a: int) -> dict:
    import os

    # Inside a running step, another step is a plain function (as in ZenML): no nested run.
    return {"result": divide(a, 2), "pid": os.getpid()}


@pytest.mark.parametrize("debug", [False, True])
def test_a_step_called_inside_a_running_step_is_a_plain_call(debug, monkeypatch):
    import os

    from stepwell import pipeline

    if debug:
        monkeypatch.setenv("STEPWELL_DEBUG", "true")

    @pipeline
    def outer():
        calls_another_step(9)

    run = outer()
    value = run.steps["calls_another_step"].output.load()
    assert value["result"] == (4, 1)
    assert (value["pid"] == os.getpid()) is debug  # a worker process unless debugging
    assert [r.pipeline_name for r in Client().list_pipeline_runs()] == ["outer"]


def test_an_unlisted_single_step_run_has_no_pipeline():
    divide(9, 4)
    (run,) = Client().list_pipeline_runs(pipeline_name="divide")
    assert run.is_unlisted and run.pipeline is None


def test_a_steps_warning_is_in_its_log_once(tmp_path):
    # In a fresh process, where the logging module has no handler configured (as for a
    # user's script): the warning is shown on stderr and written to the log once.
    import os
    import subprocess
    import sys

    script = tmp_path / "warns.py"
    script.write_text(
        "import logging\n"
        "from stepwell import pipeline, step\n\n"
        "@step(enable_cache=False)\n"
        "def warns() -> None:\n"
        "    logging.getLogger('user.code').warning('careful: once')\n\n"
        "@pipeline\n"
        "def warning_once():\n"
        "    warns()\n\n"
        "run = warning_once()\n"
        "print('LOG', run.steps['warns'].logs.count('careful: once'))\n"
    )
    env = {**os.environ, "STEPWELL_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "LOG 1" in done.stdout
    assert "careful: once" in done.stderr
