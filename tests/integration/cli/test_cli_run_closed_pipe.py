"""`stepwell run ... 2>&1 | head -1`: a reader that goes away never fails or stops a run.

Real processes and pipes. A step waits until the test has closed the read end (a flag file
tells it), so that everything after is written into a closed pipe, by the orchestrating
process (progress lines, the summary) and by the forked worker (the step's output passed on
to the terminal). The run must complete as it would without the pipe, its step logs must be
whole, and the command must exit 141 (128 + SIGPIPE), quietly.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from stepwell.client import Client
from stepwell.enums import ExecutionStatus

STEPWELL = str(Path(sys.executable).parent / "stepwell")
LINES = 2000

FLOW = f"""
import os
import sys
import time
from pathlib import Path

from stepwell import pipeline, step

FLAG = Path(os.environ["CLOSED_PIPE_FLAG"])


@step
def late() -> int:
    print("waiting for the reader to leave", flush=True)
    while not FLAG.exists():
        time.sleep(0.01)
    for i in range({LINES}):
        print("out", i)
        print("err", i, file=sys.stderr)
    return 7


@step
def after(x: int) -> int:
    print("after got", x)
    return x + 1


@pipeline
def closing():
    after(late())
"""


def _flow(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "flow.py").write_text(FLOW)
    return {**os.environ, "CLOSED_PIPE_FLAG": str(tmp_path / "flag")}


def _the_run_completed_with_whole_logs(cli) -> None:
    (run,) = Client().list_pipeline_runs(pipeline_name="closing")
    assert run.status is ExecutionStatus.COMPLETED, run.status_message
    assert {name: step.status for name, step in run.steps.items()} == {
        "late": ExecutionStatus.COMPLETED,
        "after": ExecutionStatus.COMPLETED,
    }
    logs = cli("pipeline", "runs", "logs", run.name, "--step", "late").stdout.splitlines()
    assert [line for line in logs if line.startswith("out ")] == [f"out {i}" for i in range(LINES)]
    assert [line for line in logs if line.startswith("err ")] == [f"err {i}" for i in range(LINES)]
    after = cli("pipeline", "runs", "logs", run.name, "--step", "after").stdout
    assert "after got 7" in after


def test_run_piped_into_head_completes_and_exits_141(tmp_path, cli):
    env = _flow(tmp_path)
    # The reader side prints the first line, closes its end of the pipe, then lets the step
    # go on: all the run writes from then on meets a closed pipe.
    script = (
        '{ "$0" run flow.py:closing --no-cache 2>&1; echo $? > status; } '
        "| { head -1 > first; exec 0<&-; touch flag; }"
    )
    subprocess.run(["sh", "-c", script, STEPWELL], cwd=tmp_path, env=env, timeout=120)
    assert (tmp_path / "status").read_text().strip() == "141"
    assert (tmp_path / "first").read_text().startswith("[run] closing-")
    _the_run_completed_with_whole_logs(cli)


def test_grep_that_stops_at_its_first_match_does_not_fail_the_run(tmp_path, cli):
    env = _flow(tmp_path)
    script = (
        '{ "$0" run flow.py:closing --no-cache 2>&1; echo $? > status; } '
        "| { grep -m1 started > first; exec 0<&-; touch flag; }"
    )
    subprocess.run(["sh", "-c", script, STEPWELL], cwd=tmp_path, env=env, timeout=120)
    assert (tmp_path / "status").read_text().strip() == "141"
    assert "started (2 steps)" in (tmp_path / "first").read_text()
    _the_run_completed_with_whole_logs(cli)


def test_a_worker_whose_stderr_is_the_closed_pipe_still_runs_its_step(tmp_path, cli):
    env = _flow(tmp_path)
    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        [STEPWELL, "run", "flow.py:closing", "--no-cache"],
        cwd=tmp_path,
        env=env,
        stdout=write_end,
        stderr=write_end,
    )
    os.close(write_end)
    with os.fdopen(read_end, "rb") as reader:
        # The step's own line came through the pipe: the worker holds the pipe as its stdout
        # and stderr, and is waiting. Now its reader goes away.
        for line in reader:
            if line.startswith(b"waiting for the reader to leave"):
                break
        else:
            raise AssertionError("the step's first line never reached the pipe")
    (tmp_path / "flag").touch()
    assert process.wait(timeout=120) == 141
    _the_run_completed_with_whole_logs(cli)


def test_closed_stdout_drops_the_summary_quietly(tmp_path, cli):
    env = _flow(tmp_path)
    (tmp_path / "flag").touch()
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader left before the result is printed
    done = subprocess.run(
        [STEPWELL, "run", "flow.py:closing", "--no-cache"],
        cwd=tmp_path,
        env=env,
        stdout=write_end,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
    )
    os.close(write_end)
    assert done.returncode == 141, done.stderr
    # Progress and step output went to stderr as usual; no error, no traceback, no
    # "Exception ignored" from Python's last flush.
    assert "[run] closing-" in done.stderr and "completed" in done.stderr
    assert "out 1999" in done.stderr
    for noise in ("Traceback", "Exception ignored", "Error", "BrokenPipe"):
        assert noise not in done.stderr
    _the_run_completed_with_whole_logs(cli)


def test_closed_stderr_leaves_stdout_clean(tmp_path, cli):
    env = _flow(tmp_path)
    (tmp_path / "flag").touch()
    read_end, write_end = os.pipe()
    os.close(read_end)
    done = subprocess.run(
        [STEPWELL, "run", "flow.py:closing", "--no-cache"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=write_end,
        text=True,
        timeout=120,
    )
    os.close(write_end)
    # 141, not 1 (the run recorded failed) nor 120 (Python's final flush failing).
    assert done.returncode == 141
    assert done.stdout.startswith("Run closing-") and " completed" in done.stdout.splitlines()[0]
    assert "Traceback" not in done.stdout and "out 0" not in done.stdout
    _the_run_completed_with_whole_logs(cli)


def test_a_list_into_a_closed_pipe_exits_141_without_printing(tmp_path, cli):
    env = _flow(tmp_path)
    (tmp_path / "flag").touch()
    made = subprocess.run(
        [STEPWELL, "-q", "run", "flow.py:closing"], cwd=tmp_path, env=env, capture_output=True
    )
    assert made.returncode == 0, made.stderr
    read_end, write_end = os.pipe()
    os.close(read_end)  # `2>&1 | head -1` after head has left: both streams are the pipe
    status = subprocess.run(
        [STEPWELL, "pipeline", "runs", "list", "--size", "3"],
        stdout=write_end,
        stderr=write_end,
        timeout=60,
    ).returncode
    os.close(write_end)
    assert status == 141


def test_a_failing_command_keeps_its_status_when_stderr_is_closed(tmp_path):
    read_end, write_end = os.pipe()
    os.close(read_end)
    done = subprocess.run(
        [STEPWELL, "pipeline", "runs", "describe", "no-such-run"],
        stdout=subprocess.PIPE,
        stderr=write_end,
        timeout=60,
    )
    os.close(write_end)
    assert done.returncode == 1
    assert done.stdout == b""
