"""What `python train.py` prints when a step fails: the user's traceback and one line naming
the failed run, its step and the command that shows its logs; stepwell's own frames only
when asked for (STEPWELL_LOGGING_VERBOSITY=DEBUG or STEPWELL_DEBUG)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from stepwell.client import Client

SRC = str(Path(__file__).resolve().parents[3] / "src")

SCRIPT = """
import sys

from stepwell import pipeline, step
from stepwell.enums import ExecutionMode


@step(enable_cache=False)
def load() -> int:
    return 3


@step(enable_cache=False)
def train(x: int) -> int:
    if x > 2:
        raise ValueError("bad value")
    return x


@pipeline
def training():
    train(load())


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "fail_fast":
        training.with_options(execution_mode=ExecutionMode.FAIL_FAST)()
    elif mode == "catch":
        try:
            training()
        except RuntimeError as error:
            cause = error.__cause__
            print(type(error).__name__, type(cause).__name__, cause, sep="|")
    else:
        training()
"""

INTERNALS = [os.path.join("stepwell", part, "") for part in ("runs", "orchestrators", "pipelines")]


def run_script(tmp_path: Path, mode: str, **env: str) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    # The test's STEPWELL_HOME; the verbosity only as the test sets it.
    environ = {k: v for k, v in os.environ.items() if k != "STEPWELL_LOGGING_VERBOSITY"}
    environ.update(PYTHONPATH=SRC, **env)
    return subprocess.run(
        [sys.executable, str(script), mode],
        capture_output=True,
        text=True,
        env=environ,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )


def only_run_name() -> str:
    (run,) = Client().list_pipeline_runs(pipeline_name="training")
    return run.name


def test_a_failed_step_shows_the_users_raise_and_one_line_naming_run_step_and_logs(tmp_path):
    result = run_script(tmp_path, "plain")

    assert result.returncode == 1
    name = only_run_name()
    assert 'raise ValueError("bad value")' in result.stderr
    assert result.stderr.rstrip().splitlines()[-1] == (
        "stepwell.exceptions.PipelineRunFailedError: Pipeline run has failed due to failure "
        f"in step(s): train (run {name}). See the logs with "
        f"`stepwell pipeline runs logs {name} --step train`."
    )
    assert [path for path in INTERNALS if path in result.stderr] == []


def test_the_script_traceback_starts_at_the_users_pipeline_call(tmp_path):
    result = run_script(tmp_path, "plain")

    last_traceback = result.stderr.split("Traceback (most recent call last):")[-1]
    frames = [line for line in last_traceback.splitlines() if line.startswith("  File ")]
    assert len(frames) == 1
    assert frames[0].startswith(f'  File "{tmp_path / "train.py"}", line ')
    assert frames[0].endswith(", in <module>")


def test_a_fail_fast_run_raises_the_steps_own_error_without_stepwell_frames(tmp_path):
    result = run_script(tmp_path, "fail_fast")

    assert result.returncode == 1
    assert 'raise ValueError("bad value")' in result.stderr
    assert result.stderr.rstrip().splitlines()[-1] == "ValueError: bad value"
    assert [path for path in INTERNALS if path in result.stderr] == []


def test_the_caught_error_keeps_its_type_and_the_steps_error_as_its_cause(tmp_path):
    result = run_script(tmp_path, "catch")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "PipelineRunFailedError|ValueError|bad value"


@pytest.mark.parametrize(
    "switch",
    [{"STEPWELL_LOGGING_VERBOSITY": "DEBUG"}, {"STEPWELL_DEBUG": "True"}],
    ids=["verbosity-debug", "debug-mode"],
)
def test_the_debug_switches_show_stepwell_frames(tmp_path, switch):
    result = run_script(tmp_path, "plain", **switch)

    assert result.returncode == 1
    assert os.path.join("stepwell", "runs", "") in result.stderr
    assert os.path.join("stepwell", "pipelines", "") in result.stderr
    last_line = result.stderr.rstrip().splitlines()[-1]
    assert last_line.startswith("stepwell.exceptions.PipelineRunFailedError: Pipeline run has")
