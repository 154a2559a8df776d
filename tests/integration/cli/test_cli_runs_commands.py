"""`stepwell pipeline runs ...`: list, describe, delete, logs and stop against a real store."""

import os
import threading

from cli_helpers import table_rows, target

from stepwell.client import Client
from stepwell.enums import ExecutionStatus


def test_runs_list_shows_runs_newest_first(cli, finished_run):
    assert cli("run", target("failing")).exit_code == 1
    result = cli("pipeline", "runs", "list")
    assert result.exit_code == 0, result.output
    rows = table_rows(result.stdout)
    assert [row[1:3] for row in rows] == [["failing", "failed"], ["arithmetic", "completed"]]
    assert rows[1][0] == finished_run


def test_runs_list_json_has_the_run_fields(cli_json, finished_run):
    (row,) = cli_json("pipeline", "runs", "list")
    assert row["name"] == finished_run
    assert row["pipeline"] == "arithmetic"
    assert row["status"] == "completed"
    assert row["id"] == str(Client().get_pipeline_run(finished_run).id)
    assert row["duration"] > 0
    assert set(row) >= {"created", "start_time", "end_time", "status_message"}


def test_runs_list_filters_by_pipeline_status_and_limit(cli, cli_json, finished_run):
    assert cli("run", target("failing")).exit_code == 1
    assert cli("run", target("failing")).exit_code == 1
    assert [r["pipeline"] for r in cli_json("pipeline", "runs", "list", "-p", "arithmetic")] == [
        "arithmetic"
    ]
    pipeline_id = str(Client().get_pipeline("failing").id)
    for key in (pipeline_id, pipeline_id[:8]):  # by id or id prefix too
        by_id = cli_json("pipeline", "runs", "list", "-p", key)
        assert [r["pipeline"] for r in by_id] == ["failing", "failing"]
    assert len(Client().list_pipeline_runs(pipeline_name_or_id=pipeline_id)) == 2
    failed = cli_json("pipeline", "runs", "list", "--status", "failed")
    assert [r["status"] for r in failed] == ["failed", "failed"]
    assert len(cli_json("pipeline", "runs", "list", "--limit", "2")) == 2


def test_runs_list_of_an_unknown_pipeline_exits_1(cli):
    result = cli("pipeline", "runs", "list", "--pipeline", "nope")
    assert result.exit_code == 1
    assert "stepwell pipeline list" in result.stderr


def test_runs_describe_shows_steps_durations_caching_and_outputs(cli, finished_run):
    result = cli("pipeline", "runs", "describe", finished_run)
    assert result.exit_code == 0, result.output
    rows = {row[0]: row for row in table_rows(result.stdout)}
    assert rows["make_number"][1] == "completed"
    assert rows["make_number"][3] == "no"
    assert rows["make_number"][4] == "output -> arithmetic::make_number::output:1"
    assert rows["scale"][2].endswith("s")
    assert "value=4, factor=0.5" in result.stdout


def test_runs_describe_json_lists_steps_with_outputs(cli, cli_json, finished_run):
    assert cli("run", target("arithmetic"), "-p", "value=4", "-p", "factor=0.5").exit_code == 0
    newest = Client().list_pipeline_runs(pipeline_name="arithmetic")[0].name
    described = cli_json("pipeline", "runs", "describe", newest)
    assert described["name"] == newest
    assert described["parameters"] == {"value": 4, "factor": 0.5}
    steps = {step["step"]: step for step in described["steps"]}
    assert list(steps) == ["make_number", "scale"]
    assert steps["scale"]["status"] == "cached" and steps["scale"]["cached"] is True
    assert steps["scale"]["outputs"] == {"output": ["arithmetic::scale::output:1"]}


def test_runs_describe_accepts_an_id_prefix(cli_json, finished_run):
    run_id = str(Client().get_pipeline_run(finished_run).id)
    assert cli_json("pipeline", "runs", "describe", run_id[:8])["name"] == finished_run


def test_runs_delete_with_yes_deletes_the_run(cli, finished_run):
    result = cli("pipeline", "runs", "delete", finished_run, "--yes")
    assert result.exit_code == 0, result.output
    assert Client().list_pipeline_runs() == []


def test_runs_delete_without_a_terminal_needs_yes_and_keeps_the_run(cli, finished_run):
    result = cli("pipeline", "runs", "delete", finished_run, input="y\n")
    assert result.exit_code == 1
    assert "needs confirmation; pass -y (--yes)" in result.stderr
    assert [run.name for run in Client().list_pipeline_runs()] == [finished_run]
    confirmed = cli("pipeline", "runs", "delete", finished_run, "-y")
    assert confirmed.exit_code == 0
    assert Client().list_pipeline_runs() == []


def test_runs_delete_of_an_unknown_run_exits_1(cli):
    result = cli("pipeline", "runs", "delete", "ghost", "--yes")
    assert result.exit_code == 1
    assert "ghost" in result.stderr and "stepwell pipeline runs list" in result.stderr


def test_runs_logs_prints_each_steps_output(cli, finished_run):
    result = cli("pipeline", "runs", "logs", finished_run)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines.index("==> make_number <==") < lines.index("==> scale <==")
    assert "making 4" in result.stdout and "scaling 4 by 0.5" in result.stdout


def test_runs_logs_of_one_step(cli, finished_run):
    result = cli("pipeline", "runs", "logs", finished_run, "--step", "scale")
    assert result.exit_code == 0, result.output
    assert "scaling 4 by 0.5" in result.stdout
    assert "making" not in result.stdout and "==>" not in result.stdout


def test_runs_logs_of_a_cached_run_names_the_run_that_logged_each_step(cli, finished_run):
    again = cli("run", target("arithmetic"), "--param", "value=4", "--param", "factor=0.5")
    assert again.exit_code == 0, again.output
    cached = Client().list_pipeline_runs(pipeline_name="arithmetic")[0].name
    assert cached != finished_run

    result = cli("pipeline", "runs", "logs", cached)

    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # stdout holds only this run's own output: none
    for name in ("make_number", "scale"):
        assert (
            f"Step {name} was cached from run {finished_run}; see its output with "
            f"`stepwell pipeline runs logs {finished_run} --step {name}`."
        ) in result.stderr
    one = cli("pipeline", "runs", "logs", cached, "--step", "scale")
    assert "Step scale was cached" in one.stderr and "make_number" not in one.stderr


def test_runs_logs_of_a_cached_step_whose_run_was_deleted_says_so(cli, finished_run):
    assert cli("run", target("arithmetic"), "-p", "value=4", "-p", "factor=0.5").exit_code == 0
    cached = Client().list_pipeline_runs(pipeline_name="arithmetic")[0].name
    assert cli("pipeline", "runs", "delete", finished_run, "--yes").exit_code == 0

    result = cli("pipeline", "runs", "logs", cached, "--step", "scale")

    assert result.exit_code == 0, result.output
    assert "Step scale was cached from a run that has since been deleted" in result.stderr


def test_runs_logs_of_a_step_cached_from_a_reuse_whose_original_was_deleted(cli, finished_run):
    """After the delete a run reuses the result through a cached step run, which has no log
    of its own: the hint says the run that computed it is gone, not that logs were off."""
    arithmetic = (target("arithmetic"), "-p", "value=4", "-p", "factor=0.5")
    assert cli("run", *arithmetic).exit_code == 0
    assert cli("pipeline", "runs", "delete", finished_run, "--yes").exit_code == 0
    assert cli("run", *arithmetic).exit_code == 0
    newest = Client().list_pipeline_runs(pipeline_name="arithmetic")[0]
    assert newest.steps["scale"].status == ExecutionStatus.CACHED

    result = cli("pipeline", "runs", "logs", newest.name, "--step", "scale")

    assert "Step scale was cached from a run that has since been deleted" in result.stderr
    assert "turned off" not in result.stderr


def test_runs_logs_of_an_unknown_step_exits_1_listing_the_steps(cli, finished_run):
    result = cli("pipeline", "runs", "logs", finished_run, "--step", "train")
    assert result.exit_code == 1
    assert "has no step 'train'; its steps are make_number, scale" in result.stderr


def test_runs_logs_follow_prints_until_the_run_has_finished(cli, tmp_path):
    flag = tmp_path / "go"
    assert cli("run", target("in_background"), "-p", f"flag_file={flag}").exit_code == 0
    (run,) = Client().list_pipeline_runs(pipeline_name="in_background")
    timer = threading.Timer(1.0, flag.write_text, args=("go",))
    timer.start()
    try:
        result = cli("pipeline", "runs", "logs", run.name, "--follow", "--interval", "0.05")
    finally:
        timer.cancel()
    assert result.exit_code == 0, result.output
    assert result.stdout.index("waiting for the flag") < result.stdout.index("flag seen")
    assert Client().get_pipeline_run(run.id).status is ExecutionStatus.COMPLETED


def test_runs_stop_of_a_finished_run_exits_1(cli, finished_run):
    result = cli("pipeline", "runs", "stop", finished_run)
    assert result.exit_code == 1
    assert "has already completed; there is nothing to stop" in result.stderr


def test_runs_stop_of_an_unknown_run_exits_1(cli):
    result = cli("pipeline", "runs", "stop", "ghost")
    assert result.exit_code == 1
    assert "No run" in result.stderr


def test_runs_stop_stops_a_background_run(cli, tmp_path):
    import time as _time

    from stepwell import pipeline, step
    from stepwell.client import Client
    from stepwell.enums import ExecutionStatus

    flag = tmp_path / "go"

    @step(enable_cache=False)
    def waits(flag_file: str) -> int:
        deadline = _time.monotonic() + 20
        while not os.path.exists(flag_file) and _time.monotonic() < deadline:
            _time.sleep(0.02)
        return 1

    @pipeline(settings={"orchestrator": {"synchronous": False}})
    def stoppable(flag_file: str):
        waits(flag_file=flag_file)

    run = stoppable(flag_file=str(flag))
    deadline = _time.monotonic() + 30
    while _time.monotonic() < deadline:
        current = Client().get_pipeline_run(run.id)
        if current.orchestrator_pid and current.steps.get("waits") is not None:
            break
        _time.sleep(0.05)
    try:
        result = cli("pipeline", "runs", "stop", run.name)
        assert result.exit_code == 0, result.output
        assert "Signalled run" in result.stdout
        stopped = Client().wait_for_pipeline_run(run.id, timeout=30)
    finally:
        flag.write_text("go")
    assert stopped.status is ExecutionStatus.STOPPED


def test_runs_explain_names_what_changed_and_what_was_reused(cli, cli_json, finished_run):
    assert cli("run", target("arithmetic"), "-p", "value=4", "-p", "factor=0.5").exit_code == 0
    assert cli("run", target("arithmetic"), "-p", "value=4", "-p", "factor=2").exit_code == 0
    newest, cached, first = (run["name"] for run in cli_json("pipeline", "runs", "list"))
    assert first == finished_run

    rows = {row["step"]: row for row in cli_json("pipeline", "runs", "explain", newest)}
    assert rows["make_number"]["status"] == "cached"
    assert rows["make_number"]["compared_with_run"] == first  # the original it reused
    assert rows["scale"]["status"] == "completed"
    assert rows["scale"]["changed"] == ["parameter:factor"]
    assert rows["scale"]["compared_with_run"] == cached

    result = cli("pipeline", "runs", "explain", first, "--step", "scale")
    assert result.exit_code == 0, result.output
    (row,) = table_rows(result.stdout)
    assert row[:2] == ["scale", "completed"]
    assert "No earlier successful run" in result.stdout

    unknown = cli("pipeline", "runs", "explain", first, "--step", "nope")
    assert unknown.exit_code == 1
    assert "make_number" in unknown.stderr and "scale" in unknown.stderr


def test_runs_describe_says_why_a_step_failed(cli):
    failed = cli("run", target("failing"))
    assert failed.exit_code == 1
    (run,) = Client().list_pipeline_runs(pipeline_name="failing")
    described = cli("pipeline", "runs", "describe", run.name)
    assert described.exit_code == 0, described.output
    assert "explode failed: RuntimeError: the explode step always fails" in described.stdout
