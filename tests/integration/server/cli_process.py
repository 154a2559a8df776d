"""Running the `stepwell` command in a child process with a home folder of its own, as a user
would in a terminal: for the tests of `stepwell server ...`, `login` and `logout`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parents[3]
SAMPLE_PIPELINES = _ROOT / "tests" / "integration" / "cli" / "cli_sample_pipelines.py"
# Variables of the test process that would choose a store or server for the child.
_CHOOSING = (
    "STEPWELL_SERVER_URL",
    "STEPWELL_API_KEY",
    "STEPWELL_SERVER_USERNAME",
    "STEPWELL_SERVER_PASSWORD",
    "STEPWELL_STORE_URL",
    "STEPWELL_STORE_API_KEY",
    "STEPWELL_ACTIVE_STACK",
    "STEPWELL_SERVER_STORE_URL",
    "STEPWELL_SERVER_PORT",
    "STEPWELL_SERVER_HOST",
)


class StepwellCommand:
    """`stepwell ...` in a child process, always with the home folder `home`."""

    def __init__(self, home: Path, **variables: str) -> None:
        self.home = home
        self.variables = variables

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in _CHOOSING}
        env.update(
            STEPWELL_HOME=str(self.home),
            PYTHONPATH=str(_ROOT / "src"),
            NO_COLOR="1",
            COLUMNS="200",
            **self.variables,
        )
        return env

    def __call__(
        self, *args: str, input: str | None = None, timeout: float = 90
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "stepwell.cli", *args],
            env=self.env(),
            cwd=self.home.parent,
            input=input,
            stdin=None if input is not None else subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def ok(self, *args: str, input: str | None = None) -> str:
        """Run a command that must succeed; its stdout."""
        done = self(*args, input=input)
        assert done.returncode == 0, f"stepwell {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def json(self, *args: str) -> Any:
        return json.loads(self.ok(*args, "--output", "json"))
