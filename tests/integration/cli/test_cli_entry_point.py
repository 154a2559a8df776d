"""The `stepwell` console script and `python -m stepwell`: they run the CLI, and without the
`cli` extra they say in one line what to install instead of showing a traceback."""

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PYPROJECT = Path(__file__).resolve().parents[3] / "pyproject.toml"

# Makes `module` (and its submodules) impossible to import, as when it is not installed.
BLOCKER = """
import sys
from importlib.abc import MetaPathFinder

class Refuse(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == {module!r} or name.startswith({module!r} + "."):
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None

sys.meta_path.insert(0, Refuse())
"""


def console_script_target() -> str:
    """What pyproject.toml installs as the `stepwell` command, as `module:function`."""
    scripts = PYPROJECT.read_text().partition("[project.scripts]")[2]
    found = re.search(r'^stepwell\s*=\s*"([^"]+)"', scripts, re.MULTILINE)
    assert found, "pyproject.toml has no `stepwell` entry under [project.scripts]"
    return found.group(1)


def run_without(module: str, entry: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run Python code `entry` (with `args` as sys.argv[1:]) where `module` can't be imported."""
    code = BLOCKER.format(module=module) + textwrap.dedent(entry)
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60
    )


CALL_CONSOLE_SCRIPT = """
import importlib
module_name, _, function = {target!r}.partition(":")
getattr(importlib.import_module(module_name), function)()
"""

RUN_PYTHON_M_STEPWELL = """
import runpy
sys.argv[0] = "stepwell"
runpy.run_module("stepwell", run_name="__main__", alter_sys=True)
"""


@pytest.mark.parametrize("missing", ["typer", "rich"])
def test_console_script_without_the_cli_extra_prints_one_line(missing):
    entry = CALL_CONSOLE_SCRIPT.format(target=console_script_target())
    done = run_without(missing, entry, "--help")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "stepwell: the command line needs the 'cli' extra: pip install \"stepwell[cli]\""
    ]
    assert done.stdout == ""


def test_python_m_stepwell_without_the_cli_extra_prints_one_line():
    done = run_without("typer", RUN_PYTHON_M_STEPWELL, "--help")
    assert done.returncode == 1
    assert len(done.stderr.splitlines()) == 1
    assert "stepwell[cli]" in done.stderr


def test_a_missing_module_outside_the_cli_extra_is_not_hidden():
    entry = CALL_CONSOLE_SCRIPT.format(target=console_script_target())
    done = run_without("stepwell.cli.errors", entry, "--help")
    assert done.returncode == 1
    assert "Traceback" in done.stderr
    assert "stepwell.cli.errors" in done.stderr
    assert "stepwell[cli]" not in done.stderr


def test_python_m_stepwell_help_shows_the_usage():
    done = subprocess.run(
        [sys.executable, "-m", "stepwell", "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "Usage: stepwell" in done.stdout
    assert "init" in done.stdout


def test_console_script_target_runs_the_cli():
    entry = CALL_CONSOLE_SCRIPT.format(target=console_script_target())
    done = run_without("a_module_nobody_imports", entry, "--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("stepwell ")
