"""`stepwell run MODULE:PIPELINE`: parameters, run configuration, progress and bad targets."""

import sys

import pytest
from cli_helpers import SAMPLE, table_rows, target

from stepwell.cli.errors import CliError
from stepwell.cli.run_cmd import parse_assignments
from stepwell.client import Client
from stepwell.enums import ExecutionStatus


def only_run(pipeline_name):
    (run,) = Client().list_pipeline_runs(pipeline_name=pipeline_name)
    return run


def test_run_passes_params_parsed_as_yaml_scalars(cli):
    result = cli("run", target("arithmetic"), "--param", "value=4", "--param", "factor=0.5")
    assert result.exit_code == 0, result.output
    run = only_run("arithmetic")
    assert run.status is ExecutionStatus.COMPLETED
    assert run.parameters == {"value": 4, "factor": 0.5}
    assert run.steps["scale"].output.load() == 2.0


def test_run_prints_plain_progress_lines_and_a_summary_off_a_terminal(cli):
    result = cli("run", target("arithmetic"))
    assert result.exit_code == 0, result.output
    run = only_run("arithmetic")
    lines = result.stderr.splitlines()
    assert f"[run] {run.name}: started (2 steps)" in lines
    assert "[step] make_number: running" in lines
    assert any(line.startswith("[step] scale: completed (") for line in lines)
    assert any(line.startswith(f"[run] {run.name}: completed (") for line in lines)
    assert f"stepwell pipeline runs logs {run.name}" in result.stderr
    # The summary table (stdout) lists every step with its status and whether it was cached.
    assert f"Run {run.name} completed" in result.stdout
    rows = table_rows(result.stdout)
    assert [row[0] for row in rows] == ["make_number", "scale"]
    assert [row[1] for row in rows] == ["completed", "completed"]
    assert [row[3] for row in rows] == ["no", "no"]


def test_a_second_run_shows_its_steps_as_cached(cli):
    assert cli("run", target("arithmetic")).exit_code == 0
    result = cli("run", target("arithmetic"))
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    # A cache hit's recorded start and end are one moment: 0 s, as the table shows too.
    assert "[step] make_number: cached (0.00s)" in lines
    assert "[step] scale: cached (0.00s)" in lines
    assert not [line for line in lines if line.endswith(": running")]  # nothing really ran
    rows = {row[0]: row for row in table_rows(result.stdout)}
    assert rows["scale"][1] == "cached"
    assert rows["scale"][3] == "yes"


def test_quiet_prints_only_the_run_name_and_status(cli):
    result = cli("--quiet", "run", target("arithmetic"))
    assert result.exit_code == 0, result.output
    run = only_run("arithmetic")
    assert result.stdout.strip() == f"{run.name} completed"
    assert "[step]" not in result.stderr


def test_verbosity_warning_hides_progress_like_quiet(cli, monkeypatch):
    monkeypatch.setenv("STEPWELL_LOGGING_VERBOSITY", "WARNING")
    result = cli("run", target("arithmetic"))
    assert result.exit_code == 0, result.output
    assert "[step]" not in result.stderr
    assert result.stdout.strip() == f"{only_run('arithmetic').name} completed"


def test_run_applies_a_yaml_run_configuration(cli, tmp_path):
    config = tmp_path / "run.yaml"
    config.write_text("run_name: configured_run\nparameters:\n  value: 6\n  factor: 2.0\n")
    result = cli("run", target("arithmetic"), "--config", str(config))
    assert result.exit_code == 0, result.output
    run = Client().get_pipeline_run("configured_run")
    assert run.parameters == {"value": 6, "factor": 2.0}
    assert run.steps["scale"].output.load() == 12.0


def test_run_combines_config_and_params_but_refuses_the_same_param_twice(cli, tmp_path):
    config = tmp_path / "run.yaml"
    config.write_text("parameters:\n  value: 6\n")
    both = cli("run", target("arithmetic"), "-c", str(config), "-p", "value=2")
    assert both.exit_code == 1
    assert f"--param value=2 conflicts with `parameters.value: 6` in {config}" in both.stderr
    assert Client().list_pipeline_runs() == []
    combined = cli("run", target("arithmetic"), "-c", str(config), "-p", "factor=0.5")
    assert combined.exit_code == 0, combined.output
    assert only_run("arithmetic").parameters == {"value": 6, "factor": 0.5}


def test_a_misspelt_key_in_the_run_configuration_exits_1(cli, tmp_path):
    config = tmp_path / "run.yaml"
    config.write_text("run_nmae: oops\n")
    result = cli("run", target("arithmetic"), "--config", str(config))
    assert result.exit_code == 1
    assert "run_nmae" in result.stderr
    assert Client().list_pipeline_runs() == []


def test_a_missing_config_file_exits_1(cli, tmp_path):
    result = cli("run", target("arithmetic"), "--config", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 1
    assert "nope.yaml does not exist" in result.stderr


def test_a_module_name_is_imported_from_the_working_directory(cli, monkeypatch):
    monkeypatch.chdir(SAMPLE.parent)
    result = cli("run", "cli_sample_pipelines:arithmetic", "--param", "value=2")
    assert result.exit_code == 0, result.output
    assert only_run("arithmetic").steps["make_number"].output.load() == 2


def test_a_module_with_one_pipeline_needs_no_pipeline_name(cli, tmp_path):
    module = tmp_path / "single_pipeline_module.py"
    module.write_text(
        "from stepwell import pipeline, step\n\n"
        "@step\ndef one() -> int:\n    return 1\n\n"
        "@pipeline\ndef only_one():\n    one()\n"
    )
    try:
        result = cli("run", str(module))
    finally:
        sys.modules.pop("single_pipeline_module", None)
    assert result.exit_code == 0, result.output
    assert only_run("only_one").status is ExecutionStatus.COMPLETED


def test_a_failed_run_exits_1_and_names_the_run_and_its_logs(cli):
    result = cli("run", target("failing"))
    assert result.exit_code == 1
    run = only_run("failing")
    assert run.status is ExecutionStatus.FAILED
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert error_lines == [
        f"Error: Run '{run.name}' failed: Pipeline run has failed due to failure in step(s): "
        f"explode. See its logs with `stepwell pipeline runs logs {run.name}`."
    ]
    assert [row[:2] for row in table_rows(result.stdout)] == [["explode", "failed"]]


def test_a_background_run_returns_at_once_and_says_how_to_follow_it(cli, tmp_path):
    flag = tmp_path / "go"
    result = cli("run", target("in_background"), "--param", f"flag_file={flag}")
    assert result.exit_code == 0, result.output
    run = only_run("in_background")
    assert not Client().get_pipeline_run(run.id).status.is_finished
    assert "goes on in the background" in result.stderr
    assert f"stepwell pipeline runs logs {run.name} --follow" in result.stderr
    flag.write_text("go")
    assert Client().wait_for_pipeline_run(run.id, timeout=60).status is ExecutionStatus.COMPLETED


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("no_such_module_here:pipe", "Cannot import 'no_such_module_here'"),
        ("missing/file.py:pipe", "missing/file.py is not a file"),
        (f"{SAMPLE}:nothing_by_this_name", "has no attribute 'nothing_by_this_name'"),
        (f"{SAMPLE}:not_a_pipeline", "not_a_pipeline is not a pipeline (type int)"),
        (f"{SAMPLE}:plain_function", "plain_function is not a pipeline (type function)"),
        (str(SAMPLE), "defines 4 pipelines (arithmetic, failing, in_background, waiting)"),
    ],
)
def test_a_target_that_is_not_a_pipeline_exits_1_with_a_fix(cli, given, message):
    result = cli("run", given)
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_module_that_fails_to_import_exits_1(cli, tmp_path):
    broken = tmp_path / "broken_pipeline_module.py"
    broken.write_text("raise RuntimeError('boom at import')\n")
    try:
        result = cli("run", f"{broken}:anything")
    finally:
        sys.modules.pop("broken_pipeline_module", None)
    assert result.exit_code == 1
    assert "RuntimeError: boom at import" in result.stderr


def test_an_unknown_param_exits_1_naming_the_parameters(cli):
    result = cli("run", target("arithmetic"), "--param", "speed=3")
    assert result.exit_code == 1
    assert "speed" in result.stderr and "value" in result.stderr


@pytest.mark.parametrize("bad", ["value", "=3", "two words=1"])
def test_a_malformed_param_exits_1(cli, bad):
    result = cli("run", target("arithmetic"), "--param", bad)
    assert result.exit_code == 1
    assert "is not key=value" in result.stderr


def test_param_values_are_yaml_scalars():
    parsed = parse_assignments(
        ["a=0.1", "b=3", "c=true", "d=hello", "e=", "f=[1, 2]", "g=x=y"], "--param"
    )
    assert parsed == {"a": 0.1, "b": 3, "c": True, "d": "hello", "e": "", "f": [1, 2], "g": "x=y"}


def test_parse_assignments_rejects_a_missing_equals_sign():
    with pytest.raises(CliError, match="'lr' is not key=value"):
        parse_assignments(["lr"], "--param")


def test_quiet_run_in_a_fresh_process_prints_only_the_run_and_its_status(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    (tmp_path / "flow.py").write_text(
        "from stepwell import pipeline, step\n\n"
        "@step\ndef one() -> int:\n    return 1\n\n"
        "@pipeline\ndef quiet_flow():\n    one()\n"
    )
    env = {**os.environ, "STEPWELL_HOME": str(tmp_path / "home")}
    env.pop("STEPWELL_LOGGING_VERBOSITY", None)
    script = str(Path(sys.executable).parent / "stepwell")
    done = subprocess.run(
        [sys.executable, script, "--quiet", "run", "flow.py:quiet_flow"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    (line,) = done.stdout.strip().splitlines()
    assert line.startswith("quiet_flow-") and line.endswith(" completed")
