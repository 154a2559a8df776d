"""Without the `server` extra's packages, every way of reaching or starting a server says
which extra to install, and `stepwell server start` starts nothing; and a client of a
server loads only what talking to it needs (no SQLAlchemy).

Each test runs stepwell in a child process whose `sys.modules` marks one package as
missing (an entry set to None makes its import fail as if it were not installed)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from live_server import free_port

_SRC = Path(__file__).resolve().parents[3] / "src"
_CLI = "from stepwell.cli import main; sys.argv[0] = 'stepwell'; main()"
_CLIENT = "from stepwell.client import Client; Client().list_pipeline_runs()"


def _run(
    home: Path, missing: str, code: str, *args: str, **variables: str
) -> subprocess.CompletedProcess[str]:
    """`code` in a fresh interpreter where `missing` cannot be imported."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STEPWELL_")}
    env.update(STEPWELL_HOME=str(home), PYTHONPATH=str(_SRC), NO_COLOR="1", COLUMNS="300")
    env.update(variables)
    script = f"import sys; sys.modules[{missing!r}] = None\n{code}"
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=90,
    )


@pytest.mark.parametrize("missing", ["fastapi", "uvicorn", "httpx"])
def test_server_start_names_the_extra_and_starts_nothing(tmp_path, missing):
    home = tmp_path / "home"

    done = _run(home, missing, _CLI, "server", "start", "--port", str(free_port()))

    assert done.returncode == 1
    assert "Running a stepwell server needs" in done.stderr
    assert missing in done.stderr
    assert 'pip install "stepwell[server]"' in done.stderr
    assert "ModuleNotFoundError" not in done.stderr
    assert not (home / "server" / "server.pid").exists()
    assert not (home / "server" / "server.log").exists()  # no process was launched


def test_login_without_httpx_names_the_extra_and_saves_nothing(tmp_path):
    home = tmp_path / "home"

    done = _run(home, "httpx", _CLI, "login", "http://127.0.0.1:9", "--api-key", "swk_x")

    assert done.returncode == 1
    assert "Talking to a stepwell server needs httpx" in done.stderr
    assert 'pip install "stepwell[server]"' in done.stderr
    assert "ModuleNotFoundError" not in done.stderr
    assert not (home / "config.yaml").exists()


def test_cli_with_a_server_url_and_no_httpx_names_the_extra(tmp_path):
    done = _run(
        tmp_path / "home",
        "httpx",
        _CLI,
        "pipeline",
        "runs",
        "list",
        STEPWELL_SERVER_URL="http://127.0.0.1:9",
        STEPWELL_API_KEY="swk_x",
    )

    assert done.returncode == 1
    assert "Talking to a stepwell server needs httpx" in done.stderr
    assert 'pip install "stepwell[server]"' in done.stderr


def test_client_with_a_server_url_and_no_httpx_raises_naming_the_extra(tmp_path):
    done = _run(
        tmp_path / "home",
        "httpx",
        _CLIENT,
        STEPWELL_SERVER_URL="http://127.0.0.1:9",
        STEPWELL_API_KEY="swk_x",
    )

    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("stepwell.exceptions.EnvironmentConfigError: Talking to a stepwell")
    assert 'pip install "stepwell[server]"' in last


def test_a_client_of_a_server_does_not_load_the_sql_store(server, tmp_path):
    """Reading from a server needs httpx, not SQLAlchemy (slow to import, in every process)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STEPWELL_")}
    env.update(STEPWELL_HOME=str(tmp_path / "home"), PYTHONPATH=str(_SRC), **server.client_env())
    script = f"import sys\n{_CLIENT}\nprint(sorted(m for m in sys.modules if 'sqlalchemy' in m))"

    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=90
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
