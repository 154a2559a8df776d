"""A step's `print`s (to stdout and stderr) and its logger lines reach the terminal and the
step's log in the order the step wrote them, on the local orchestrator (forked workers) and
the inline one. The script runs as `python script.py` with stdout and stderr merged into one
pipe or one pseudo-terminal, as a user's terminal merges them."""

import os
import pty
import subprocess
import sys
import textwrap

import pytest

SCRIPT = """
import logging
import os
import subprocess
import sys

from stepwell import pipeline, step
from stepwell.logger import get_logger

if os.environ.get("BASIC_CONFIG"):
    logging.basicConfig(level=logging.INFO, format="%(levelname)s:%(name)s:%(message)s")

logger = get_logger(__name__)


@step(enable_cache=False)
def writes_in_order() -> None:
    logger.info("line 1 logged")
    print("line 2 printed")
    logger.info("line 3 logged")
    print("line 4 printed")
    print("line 5 printed to stderr", file=sys.stderr)
    logger.info("line 6 logged")
    subprocess.run(["sh", "-c", "echo line 7 from a subprocess to stderr >&2"], check=True)
    print("line 8 printed")


@pipeline
def ordered():
    writes_in_order()


if __name__ == "__main__":
    run = ordered()
    print("=== STEP LOG ===", flush=True)
    print(run.steps["writes_in_order"].logs, flush=True)
"""

LINES = [
    "line 1 logged",
    "line 2 printed",
    "line 3 logged",
    "line 4 printed",
    "line 5 printed to stderr",
    "line 6 logged",
    "line 7 from a subprocess to stderr",
    "line 8 printed",
]


def run_merged(tmp_path, terminal: str, env: dict[str, str]) -> tuple[str, str]:
    """Run the script with stdout and stderr going to one pipe or one pseudo-terminal;
    return (what the terminal showed before the log, the step's log)."""
    script = tmp_path / "ordered.py"
    script.write_text(textwrap.dedent(SCRIPT))
    command = [sys.executable, str(script)]
    env = {**os.environ, **env}
    if terminal == "pipe":
        done = subprocess.run(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120, env=env
        )
        output, code = done.stdout, done.returncode
    else:
        output, code = _run_in_pty(command, env)
    text = output.decode().replace("\r\n", "\n")
    assert code == 0, text
    shown, _, step_log = text.partition("=== STEP LOG ===")
    return shown, step_log


def _run_in_pty(command: list[str], env: dict[str, str]) -> tuple[bytes, int]:
    controller, terminal = pty.openpty()
    process = subprocess.Popen(command, stdout=terminal, stderr=terminal, env=env)
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: every writer has closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    return b"".join(chunks), process.wait(timeout=120)


def order_of(text: str) -> list[str]:
    """The expected lines found in `text`, in the order they appear there."""
    return sorted((line for line in LINES if line in text), key=text.index)


@pytest.fixture(params=["local", "inline"])
def orchestrator_env(request) -> dict[str, str]:
    """Forked workers, and (STEPWELL_DEBUG) steps run in the script's own process."""
    return {"STEPWELL_DEBUG": "True" if request.param == "inline" else "False"}


@pytest.mark.parametrize("terminal", ["pipe", "pty"])
def test_prints_and_logger_lines_keep_their_order(tmp_path, orchestrator_env, terminal):
    shown, step_log = run_merged(tmp_path, terminal, orchestrator_env)
    for text in (shown, step_log):
        assert [text.count(line) for line in LINES] == [1] * len(LINES), text
    assert order_of(shown) == LINES, shown
    assert order_of(step_log) == LINES, step_log


def test_lines_of_a_root_handler_the_user_configured_keep_their_order(tmp_path, orchestrator_env):
    shown, step_log = run_merged(tmp_path, "pipe", {**orchestrator_env, "BASIC_CONFIG": "1"})
    assert "INFO:__main__:line 1 logged" in shown  # the user's handler printed it
    assert order_of(shown) == LINES, shown
    assert order_of(step_log) == LINES, step_log
