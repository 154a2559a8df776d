"""`stepwell run --run-name / --no-cache / --stack / --detach / -o json`, and what `-q`
leaves on the terminal (the run's name and status; step output only in the logs)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from cli_helpers import target

from stepwell.cli.log_tail import LogTail
from stepwell.client import Client

PRINTING_FLOW = """
from stepwell import pipeline, step

@step(enable_cache=False)
def chatty() -> int:
    import os
    print("PRINTED BY THE STEP")
    os.system("echo WRITTEN BY A SUBPROCESS")
    return 1

@pipeline
def chatty_flow():
    chatty()
"""


def stepwell(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real `stepwell` command in a fresh process, on this test's home folder."""
    env = {**os.environ}
    env.pop("STEPWELL_LOGGING_VERBOSITY", None)
    script = str(Path(sys.executable).parent / "stepwell")
    return subprocess.run(
        [sys.executable, script, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_run_name_names_the_run(cli):
    result = cli("-q", "run", target("arithmetic"), "--run-name", "nightly-{date}")
    assert result.exit_code == 0, result.output
    (run,) = Client().list_pipeline_runs(pipeline_name="arithmetic")
    assert run.name.startswith("nightly-20")
    assert result.stdout.strip() == f"{run.name} completed"


def test_no_cache_runs_every_step_again(cli):
    assert cli("-q", "run", target("arithmetic")).exit_code == 0
    assert cli("-q", "run", target("arithmetic"), "--no-cache").exit_code == 0
    newest = Client().list_pipeline_runs(pipeline_name="arithmetic", sort_by="desc:created")[0]
    assert {step.status.value for step in newest.steps.values()} == {"completed"}


def test_stack_option_runs_on_that_stack_and_leaves_the_active_one(cli):
    client = Client()
    client.create_stack("second", {"orchestrator": "default", "artifact_store": "default"})
    result = cli("-q", "run", target("arithmetic"), "--stack", "second")
    assert result.exit_code == 0, result.output
    (run,) = client.list_pipeline_runs(pipeline_name="arithmetic")
    assert run.stack.name == "second"
    assert Client().active_stack_model.name == "default"


def test_an_unknown_stack_fails_before_any_run(cli):
    result = cli("run", target("arithmetic"), "--stack", "nowhere")
    assert result.exit_code == 1
    assert "nowhere" in result.stderr and "stepwell stack list" in result.stderr
    assert Client().list_pipeline_runs().total == 0


def test_json_output_is_the_run_with_its_steps(cli):
    result = cli("run", target("arithmetic"), "--param", "value=4", "-o", "json")
    assert result.exit_code == 0, result.output
    fields = json.loads(result.stdout)
    (run,) = Client().list_pipeline_runs(pipeline_name="arithmetic")
    assert fields["name"] == run.name and fields["status"] == "completed"
    assert fields["parameters"] == {"value": 4, "factor": 1.0}
    assert [step["step"] for step in fields["steps"]] == list(run.steps)


def test_detach_returns_at_once_and_the_run_finishes_in_the_background(tmp_path):
    (tmp_path / "flow.py").write_text(PRINTING_FLOW)
    done = stepwell("run", "flow.py:chatty_flow", "--detach", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    name, status = done.stdout.split()
    assert status in ("initializing", "running")
    assert f"stepwell pipeline runs logs {name} --follow" in done.stderr
    finished = Client().wait_for_pipeline_run(Client().get_pipeline_run(name).id, timeout=60)
    assert finished.status.value == "completed"


def test_quiet_prints_only_the_run_and_keeps_step_output_in_the_logs(tmp_path):
    (tmp_path / "flow.py").write_text(PRINTING_FLOW)
    done = stepwell("-q", "run", "flow.py:chatty_flow", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    (run,) = Client().list_pipeline_runs(pipeline_name="chatty_flow")
    assert done.stdout == f"{run.name} completed\n"
    assert done.stderr == ""
    log = LogTail(run.steps["chatty"].logs_uri).read_new(final=True)
    assert "PRINTED BY THE STEP" in log and "WRITTEN BY A SUBPROCESS" in log


def test_off_a_terminal_stdout_holds_only_the_summary_and_step_output_goes_to_stderr(tmp_path):
    (tmp_path / "flow.py").write_text(PRINTING_FLOW)
    done = stepwell("run", "flow.py:chatty_flow", cwd=tmp_path)  # stdout is a pipe
    assert done.returncode == 0, done.stderr
    (run,) = Client().list_pipeline_runs(pipeline_name="chatty_flow")
    assert done.stdout.startswith(f"Run {run.name} completed")
    assert "PRINTED BY THE STEP" not in done.stdout and "SUBPROCESS" not in done.stdout
    assert "[step] chatty: running" not in done.stdout
    assert "PRINTED BY THE STEP" in done.stderr and "WRITTEN BY A SUBPROCESS" in done.stderr
    assert done.stderr.index("[step] chatty: running") < done.stderr.index("PRINTED BY THE")
    log = LogTail(run.steps["chatty"].logs_uri).read_new(final=True)
    assert "PRINTED BY THE STEP" in log and "WRITTEN BY A SUBPROCESS" in log


def test_json_output_keeps_step_output_off_stdout(tmp_path):
    (tmp_path / "flow.py").write_text(PRINTING_FLOW)
    done = stepwell("run", "flow.py:chatty_flow", "-o", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == "completed"
    assert "PRINTED BY THE STEP" in done.stderr


def test_a_param_the_file_sets_otherwise_names_the_option_and_the_key(cli, tmp_path):
    config = tmp_path / "run.yaml"
    config.write_text("parameters:\n  value: 2\n")
    result = cli("run", target("arithmetic"), "--param", "value=1", "--config", str(config))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: --param value=1 conflicts with `parameters.value: 2`")
    assert "drop the --param, or the key from the file" in result.stderr
