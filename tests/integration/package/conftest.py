"""The package as users get it: a wheel and an sdist built from this tree, installed into fresh
virtual environments, one per supported Python version found on this machine.

A supported version with no interpreter here is not skipped in silence: its test records it
and the end of the test output lists it ("python3.12: not on this machine"). With
STEPWELL_REQUIRE_ALL_PYTHONS=1 (for a CI image that has them all) a missing one fails.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from package_builds import PROJECT_ROOT, find_python, uv

_MISSING = pytest.StashKey[dict[str, str]]()


@pytest.fixture(scope="session")
def dists(tmp_path_factory) -> dict[str, Path]:
    """The wheel and the sdist of this tree (`uv build`: the sdist first, then the wheel
    built from that sdist, so a file missing from the sdist breaks the wheel too)."""
    out = tmp_path_factory.mktemp("dist")
    uv("build", "--out-dir", str(out), str(PROJECT_ROOT))
    (wheel,) = out.glob("stepwell-*.whl")
    (sdist,) = out.glob("stepwell-*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


@pytest.fixture
def python_or_report(request):
    """`python_or_report(version)`: the interpreter's path, or None after recording that
    this machine has none (listed at the end of the run; a failure if all are required)."""

    def lookup(version: str) -> str | None:
        path = find_python(version)
        if path is None:
            where = "not on PATH, not found by `uv python find`, not under pyenv"
            if os.environ.get("STEPWELL_REQUIRE_ALL_PYTHONS") == "1":
                pytest.fail(f"python{version}: not on this machine ({where})")
            request.config.stash.setdefault(_MISSING, {})[version] = where
        return path

    return lookup


def pytest_terminal_summary(terminalreporter, config) -> None:
    missing = config.stash.get(_MISSING, {})
    if not missing:
        return
    terminalreporter.write_sep("=", "supported Python versions NOT tested on this machine")
    for version, where in sorted(missing.items()):
        terminalreporter.write_line(
            f"python{version}: not on this machine ({where}); its install-and-run "
            "smoke test did not run"
        )
