"""The spec's dynamic fan-out example runs end to end on the default local stack."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from stepwell.client import Client
from stepwell.enums import ExecutionStatus

HERE = Path(__file__).parent


def test_dynamic_fan_out_triggers_one_run_per_chunk_and_reports_the_failed_one(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(HERE / "spec_dynamic_fan_out.py", project / "spec_dynamic_fan_out.py")
    done = subprocess.run(
        [sys.executable, "spec_dynamic_fan_out.py"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, "STEPWELL_SOURCE_ROOT": str(project)},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = {
        line.split(" ", 1)[0]: line.split(" ", 1)[1]
        for line in done.stdout.splitlines()
        if line.startswith(("SUMMARY", "CHUNKS"))
    }
    assert json.loads(lines["SUMMARY"]) == {"total_runs": 4, "successful_runs": 3, "failed_runs": 1}
    assert json.loads(lines["CHUNKS"]) == ["chunk_1", "chunk_2", "chunk_4"]

    client = Client()
    chunk_runs = client.list_pipeline_runs(pipeline_name="chunk_processing_pipeline")
    assert len(chunk_runs) == 4
    snapshot = client.get_snapshot("chunk_processing")
    assert {run.snapshot_id for run in chunk_runs} == {snapshot.id}
    failed = [run for run in chunk_runs if run.status is ExecutionStatus.FAILED]
    assert len(failed) == 1
    assert failed[0].steps["process_chunk"].config.parameters == {"chunk_id": "chunk_3"}
    assert "chunk_3 is corrupt" in failed[0].steps["process_chunk"].exception
    assert "Processing chunk: chunk_1" in "".join(r.steps["process_chunk"].logs for r in chunk_runs)
