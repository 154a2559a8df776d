"""The `stepwell` command itself: help everywhere, version, exit codes, the console script."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stepwell import __version__

VENV_BIN = Path(sys.executable).parent
# The installed console script, started with this interpreter (so a moved .venv, whose
# shebangs are stale, still runs it).
STEPWELL = [sys.executable, str(VENV_BIN / "stepwell")]

COMMANDS = [
    [],
    ["init"],
    ["status"],
    ["clean"],
    ["run"],
    ["pipeline"],
    ["pipeline", "list"],
    ["pipeline", "delete"],
    ["pipeline", "runs"],
    ["pipeline", "runs", "list"],
    ["pipeline", "runs", "describe"],
    ["pipeline", "runs", "delete"],
    ["pipeline", "runs", "logs"],
    ["pipeline", "runs", "stop"],
    ["artifact", "list"],
    ["artifact", "describe"],
    ["artifact", "export"],
    ["snapshot", "list"],
    ["snapshot", "describe"],
    ["snapshot", "trigger"],
    ["snapshot", "delete"],
    ["stack", "list"],
    ["stack", "describe"],
    ["stack", "register"],
    ["stack", "set"],
    ["stack", "delete"],
    ["stack", "component", "list"],
    ["stack", "component", "register"],
    ["stack", "component", "describe"],
    ["stack", "component", "delete"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "stepwell")
def test_every_command_has_help(cli, command):
    result = cli(*command, "--help")
    assert result.exit_code == 0
    assert "Usage: stepwell" in result.stdout
    assert " ".join(["stepwell", *command]) in " ".join(result.stdout.split())


def test_version_flag_prints_the_version(cli):
    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"stepwell {__version__}"


def test_unknown_command_is_a_usage_error(cli):
    result = cli("pipline", "list")
    assert result.exit_code == 2
    assert "pipline" in result.stderr


def test_unknown_option_is_a_usage_error(cli):
    result = cli("pipeline", "runs", "list", "--colour", "red")
    assert result.exit_code == 2
    assert "--colour" in result.stderr


def test_invalid_choice_is_a_usage_error(cli):
    result = cli("pipeline", "runs", "list", "--status", "sleeping")
    assert result.exit_code == 2
    assert "sleeping" in result.stderr


def test_errors_are_one_line_without_traceback_unless_debug(cli):
    plain = cli("pipeline", "runs", "describe", "no-such-run")
    assert plain.exit_code == 1
    assert plain.stderr.strip().startswith("Error: No run")
    assert len(plain.stderr.strip().splitlines()) == 1
    assert "Traceback" not in plain.stderr
    debug = cli("--debug", "pipeline", "runs", "describe", "no-such-run")
    assert debug.exit_code == 1
    assert "Traceback (most recent call last)" in debug.stderr


def test_console_script_runs_in_a_fresh_process(stepwell_home):
    script = VENV_BIN / "stepwell"
    assert script.exists(), "install the package with the cli extra: pip install -e '.[cli]'"
    env = {**os.environ, "STEPWELL_HOME": str(stepwell_home)}
    result = subprocess.run(
        [*STEPWELL, "--help"], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "pipeline" in result.stdout and "stack" in result.stdout


def test_python_dash_m_runs_the_cli_and_reports_not_found_with_exit_1(stepwell_home):
    env = {**os.environ, "STEPWELL_HOME": str(stepwell_home), "PYTHONPATH": "src"}
    result = subprocess.run(
        [sys.executable, "-m", "stepwell.cli", "artifact", "describe", "missing"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=Path(__file__).parents[3],
    )
    assert result.returncode == 1
    assert result.stderr.startswith("Error: No artifact named 'missing'")


def test_help_does_not_import_the_store(stepwell_home):
    probe = (
        "import sys; from stepwell.cli.app import app; "
        "print([m for m in ('sqlalchemy', 'stepwell.client', 'pydantic') if m in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


def test_shell_completion_script_is_available(stepwell_home):
    env = {**os.environ, "STEPWELL_HOME": str(stepwell_home)}
    result = subprocess.run(
        [*STEPWELL, "--show-completion", "bash"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "_STEPWELL_COMPLETE" in result.stdout


def test_ctrl_c_in_a_command_exits_130(cli, monkeypatch):
    from stepwell.client import Client

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(Client, "list_pipeline_runs", interrupted)
    result = cli("pipeline", "runs", "list")
    assert result.exit_code == 130
    assert result.stderr.strip() == "Interrupted."


def test_ctrl_c_during_stepwell_run_stops_the_run_and_exits_130(stepwell_home, tmp_path):
    from cli_helpers import target

    from stepwell.client import Client
    from stepwell.enums import ExecutionStatus

    flag = tmp_path / "never"
    env = {**os.environ, "STEPWELL_HOME": str(stepwell_home)}
    process = subprocess.Popen(
        [*STEPWELL, "run", target("waiting"), "--param", f"flag_file={flag}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        running = False
        while not running and time.monotonic() < deadline and process.poll() is None:
            runs = Client().list_pipeline_runs(pipeline_name="waiting")
            steps = runs[0].steps if runs else {}
            running = "wait_for_file" in steps and steps["wait_for_file"].status.value == "running"
            time.sleep(0.05)
        assert running, "the step never started"
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130, stderr
    assert stderr.strip().endswith("Interrupted.")
    (run,) = Client().list_pipeline_runs(pipeline_name="waiting")
    assert run.status is ExecutionStatus.STOPPED


def test_output_off_a_terminal_has_no_colour_codes(cli, finished_run):
    for args in (("pipeline", "runs", "list"), ("pipeline", "runs", "describe", finished_run)):
        result = cli(*args)
        assert result.exit_code == 0
        assert "\x1b[" not in result.stdout and "\x1b[" not in result.stderr
    assert "\x1b[" not in cli("artifact", "describe", "missing").stderr
