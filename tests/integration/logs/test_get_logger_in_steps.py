"""`get_logger(__name__)` in a user's script works as in ZenML: its INFO lines (the level
STEPWELL_LOGGING_VERBOSITY gives) show on the terminal and land in the step's log, each
once, on the local orchestrator and the inline one. Plain `logging.getLogger` loggers keep
Python's own rules. The script runs as `python script.py`, so the terminal is real."""

import os
import subprocess
import sys
import textwrap

import pytest

SCRIPT = """
import logging
import os

from stepwell import pipeline, step
from stepwell.logger import get_logger

if os.environ.get("BASIC_CONFIG"):
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s:%(name)s:%(message)s")

logger = get_logger(__name__)
logger.info("module level info")


@step(enable_cache=False)
def load() -> int:
    rows = 42
    logger.info("Loading %d rows", rows)
    logger.debug("debug detail")
    logger.warning("a user warning")
    logging.getLogger("plain").info("plain info")
    logging.getLogger("plain").warning("plain warning")
    return rows


@pipeline
def loading():
    load()


if __name__ == "__main__":
    if os.environ.get("LATE_VERBOSITY"):
        os.environ["STEPWELL_LOGGING_VERBOSITY"] = os.environ["LATE_VERBOSITY"]
    run = loading()
    print("=== STEP LOG ===")
    print(run.steps["load"].logs)
"""


def run_script(tmp_path, **env: str) -> tuple[str, str]:
    """Run the script; return (what reached the terminal, the step's log)."""
    script = tmp_path / "loading.py"
    script.write_text(textwrap.dedent(SCRIPT))
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )
    assert done.returncode == 0, done.stderr
    terminal, _, step_log = done.stdout.partition("=== STEP LOG ===")
    return terminal + done.stderr, step_log


@pytest.fixture(params=["local", "inline"])
def orchestrator_env(request) -> dict[str, str]:
    """Forked workers, and (STEPWELL_DEBUG) steps run in the script's own process."""
    return {"STEPWELL_DEBUG": "True" if request.param == "inline" else "False"}


def test_info_lines_reach_the_terminal_and_the_step_log_once(tmp_path, orchestrator_env):
    terminal, step_log = run_script(tmp_path, **orchestrator_env)
    for line in ("Loading 42 rows", "a user warning"):
        assert terminal.count(line) == 1, terminal
        assert step_log.count(line) == 1, step_log
    assert terminal.count("module level info") == 1
    assert "debug detail" not in terminal + step_log


def test_plain_loggers_keep_pythons_default_level(tmp_path, orchestrator_env):
    terminal, step_log = run_script(tmp_path, **orchestrator_env)
    assert "plain info" not in terminal + step_log
    assert terminal.count("plain warning") == 1
    assert step_log.count("plain warning") == 1


@pytest.mark.parametrize("when", ["before import", "after import"])
def test_the_level_follows_the_verbosity_variable(tmp_path, orchestrator_env, when):
    variable = "STEPWELL_LOGGING_VERBOSITY" if when == "before import" else "LATE_VERBOSITY"
    terminal, step_log = run_script(tmp_path, **orchestrator_env, **{variable: "WARNING"})
    assert "Loading 42 rows" not in terminal + step_log
    assert step_log.count("a user warning") == 1

    terminal, step_log = run_script(tmp_path, **orchestrator_env, **{variable: "DEBUG"})
    assert terminal.count("debug detail") == 1
    assert step_log.count("debug detail") == 1


def test_a_root_handler_the_user_configured_shows_each_line_once(tmp_path, orchestrator_env):
    terminal, step_log = run_script(tmp_path, **orchestrator_env, BASIC_CONFIG="1")
    # The user's format, so the user's handler printed it, and nothing else did.
    assert terminal.count("Loading 42 rows") == 1
    assert "INFO:__main__:Loading 42 rows" in terminal
    assert step_log.count("Loading 42 rows") == 1
    assert terminal.count("module level info") == 1
