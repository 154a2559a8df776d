"""What a first trial of the CLI tripped on: messages that speak the command line's
options, `run -q`, renames that say so, sorting runs by duration, and a hint when a
list has more pages."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from cli_helpers import target
from test_cli_run_options import PRINTING_FLOW, stepwell

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.config.pipeline_config import PipelineConfig
from stepwell.enums import ExecutionStatus


def test_snapshot_create_with_a_taken_name_points_to_the_replace_option(cli):
    assert cli("snapshot", "create", target("arithmetic"), "--name", "weekly").exit_code == 0

    again = cli("snapshot", "create", target("arithmetic"), "--name", "weekly")

    assert again.exit_code == 1
    assert "already has a snapshot named 'weekly'" in again.stderr
    assert "--replace" in again.stderr and "replace=True" not in again.stderr
    assert (
        cli("snapshot", "create", target("arithmetic"), "-n", "weekly", "--replace").exit_code == 0
    )


def test_quiet_option_after_run_behaves_as_the_global_one(tmp_path):
    (tmp_path / "flow.py").write_text(PRINTING_FLOW)

    done = stepwell("run", "flow.py:chatty_flow", "-q", cwd=tmp_path)

    assert done.returncode == 0, done.stderr
    (run,) = Client().list_pipeline_runs(pipeline_name="chatty_flow")
    assert done.stdout == f"{run.name} completed\n"
    assert done.stderr == ""


def test_component_rename_says_renamed_from_and_to(cli):
    Client().create_stack_component("team-chat", flavor="log", component_type="alerter")

    result = cli("stack", "component", "update", "team-chat", "--name", "chat")

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "Renamed alerter 'team-chat' to 'chat'."


def test_component_rename_with_configuration_says_both(cli):
    Client().create_stack_component("team-chat", flavor="log", component_type="alerter")

    result = cli("stack", "component", "update", "team-chat", "--name", "chat", "level=DEBUG")

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "Renamed alerter 'team-chat' to 'chat'. Updated alerter 'chat': level."
    )


@step(enable_cache=False)
def nothing() -> None:
    pass


@pipeline(enable_cache=False)
def idle():
    nothing()


def test_runs_sort_by_duration_longest_first(cli_json):
    store = Client().store
    owner = store.get_or_create_pipeline("timed")
    start = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)
    for name, seconds in {"short": 5, "long": 3600, "mid": 90}.items():
        run = store.create_run(
            name=name,
            pipeline_id=owner.id,
            pipeline_name="timed",
            snapshot_id=None,
            config=PipelineConfig(name="timed"),
            status=ExecutionStatus.RUNNING,
            start_time=start,
        )
        end = start + timedelta(seconds=seconds)
        store.end_run(run.id, status=ExecutionStatus.COMPLETED, end_time=end)

    longest_first = cli_json("pipeline", "runs", "list", "--sort-by", "desc:duration")

    assert [row["name"] for row in longest_first] == ["long", "mid", "short"]


def test_table_with_more_pages_says_how_to_get_the_next_one(cli):
    for _ in range(3):
        idle()

    first = cli("pipeline", "runs", "list", "--size", "2")
    last = cli("pipeline", "runs", "list", "--size", "2", "--page", "2")
    as_json = cli("pipeline", "runs", "list", "--size", "2", "-o", "json")

    assert "Page 1 of 2 (3 rows): --page 2 for more" in first.stderr
    assert "Page 1 of 2" not in first.stdout
    assert "--page" not in last.stderr
    assert as_json.stderr == ""
