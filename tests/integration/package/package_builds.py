"""Helpers of the package tests: uv, finding interpreters, the supported versions."""

from __future__ import annotations

import glob
import os
import subprocess
import sys
from pathlib import Path

import pytest
from uv import find_uv_bin

PROJECT_ROOT = Path(__file__).resolve().parents[3]
SUPPORTED_PYTHONS = ("3.10", "3.11", "3.12", "3.13")


def uv(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run uv (never downloading Python builds); fail the test with its output if it fails."""
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never", "UV_NO_PROGRESS": "1"}
    result = subprocess.run(
        [find_uv_bin(), *args], capture_output=True, text=True, env=env, timeout=timeout
    )
    if result.returncode != 0:
        pytest.fail(f"uv {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def find_python(version: str) -> str | None:
    """An interpreter of `version` (such as "3.12"): `pythonX.Y` on PATH, then what
    `uv python find` knows, then pyenv's versions folder; each is asked its version, since
    a pyenv shim on PATH may stand for a version that is not installed."""
    candidates = [f"python{version}"]
    found = subprocess.run(
        [find_uv_bin(), "python", "find", "--system", version],
        capture_output=True,
        text=True,
        env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"},
    )
    if found.returncode == 0 and found.stdout.strip():
        candidates.append(found.stdout.strip())
    pyenv_root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    candidates += sorted(glob.glob(f"{pyenv_root}/versions/{version}.*/bin/python{version}"))
    for candidate in candidates:
        try:
            answer = subprocess.run(
                [candidate, "-c", "import sys, venv; print('%d.%d' % sys.version_info[:2])"],
                capture_output=True,
                text=True,
                timeout=30,
            )
        except OSError:
            continue
        if answer.returncode == 0 and answer.stdout.strip() == version:
            return candidate
    return None


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
