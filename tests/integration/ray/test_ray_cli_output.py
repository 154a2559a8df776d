"""`stepwell run` on the ray orchestrator: what steps print goes to their step logs, not
through Ray's forwarding onto the command's stdout, so `-o json` stays one JSON document and
a quiet run prints only its result line."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from stepwell.client import Client

RAYFAN = """
    from stepwell import pipeline, step


    @step(enable_cache=False)
    def part(i: int) -> int:
        print(f"part {i}")
        return i * 2


    @step(enable_cache=False)
    def total(values: list[int]) -> int:
        print(f"sum {sum(values)}")
        return sum(values)


    @pipeline
    def rayfan():
        total([part(i) for i in range(1, 5)])
"""


def _stepwell(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    (tmp_path / "rayfan.py").write_text(textwrap.dedent(RAYFAN))
    env = dict(os.environ, STEPWELL_SOURCE_ROOT=str(tmp_path))  # same home, stack and bucket
    return subprocess.run(
        [sys.executable, "-m", "stepwell.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=180,
    )


@pytest.fixture
def on_ray(ray_stack):
    return ray_stack


def test_json_output_of_a_ray_run_is_only_the_json_document(on_ray, tmp_path) -> None:
    done = _stepwell(tmp_path, "run", "rayfan.py:rayfan", "-o", "json")

    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)  # nothing after it: no forwarded worker lines
    assert document["status"] == "completed"
    assert "sum 20" not in done.stdout and "sum 20" not in done.stderr
    run = Client().get_pipeline_run(document["name"])
    assert "sum 20" in run.steps["total"].logs  # the output is in the step's log


def test_quiet_ray_run_prints_only_its_result_line(on_ray, tmp_path) -> None:
    done = _stepwell(tmp_path, "-q", "run", "rayfan.py:rayfan")

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 1 and lines[0].endswith(" completed"), done.stdout
    assert "part 1" not in done.stdout + done.stderr
