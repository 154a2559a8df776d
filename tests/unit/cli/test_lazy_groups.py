"""Command groups are built when first used: `stepwell --help` and a command of one group
import no other group's module (checked in the command's own process, at its exit)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

GROUP_MODULES = {
    "stepwell.cli.pipelines",
    "stepwell.cli.artifacts",
    "stepwell.cli.snapshots",
    "stepwell.cli.stacks",
    "stepwell.cli.models",
    "stepwell.cli.server",
    "stepwell.cli.accounts",
    "stepwell.cli.secrets",
    "stepwell.cli.schedules",
}

PROBE = textwrap.dedent(
    """
    import atexit, json, sys
    from stepwell.cli import main
    atexit.register(lambda: print("loaded:", json.dumps(sorted(
        name for name in sys.modules if name.startswith("stepwell.cli."))), file=sys.stderr))
    sys.argv = ["stepwell", *sys.argv[1:]]
    main()
    """
)


def _loaded(tmp_path, *args: str) -> set[str]:
    env = {"STEPWELL_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stderr.splitlines() if x.startswith("loaded: "))
    return set(json.loads(line.removeprefix("loaded: ")))


def test_help_imports_no_group(tmp_path):
    assert _loaded(tmp_path, "--help") & GROUP_MODULES == set()


def test_a_command_imports_its_own_group_only(tmp_path):
    assert _loaded(tmp_path, "secret", "--help") & GROUP_MODULES == {"stepwell.cli.secrets"}
