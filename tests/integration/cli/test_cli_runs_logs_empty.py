"""`stepwell pipeline runs logs` says on stderr why a step shows no output, from what the store
knows (wrote nothing, skipped, logs off, failed, still running); stdout keeps only log text."""

import threading
import time
from pathlib import Path

from stepwell.client import Client
from stepwell.enums import ExecutionStatus

QUIET = Path(__file__).parent / "cli_quiet_pipelines.py"


def run_quiet(cli, name: str, *params: str) -> str:
    """Run pipeline `name` of `cli_quiet_pipelines.py` through the CLI; its run's name."""
    args = [item for param in params for item in ("--param", param)]
    result = cli("run", f"{QUIET}:{name}", *args)
    assert result.exit_code in (0, 1), result.output  # a failing step exits 1
    return Client().list_pipeline_runs(pipeline_name=name)[0].name


def wait_for_step(run_name: str, invocation_id: str, status: ExecutionStatus) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        step_run = Client().get_pipeline_run(run_name).steps.get(invocation_id)
        if step_run is not None and step_run.status is status:
            return
        time.sleep(0.05)
    raise AssertionError(f"step {invocation_id} of {run_name} never became {status.value}")


def test_a_step_that_wrote_nothing_is_named_on_stderr_and_stdout_keeps_the_log_text(cli):
    run = run_quiet(cli, "silent_then_chatty")

    result = cli("pipeline", "runs", "logs", run)

    assert result.exit_code == 0, result.output
    assert result.stdout == "==> chatty <==\nchatty got 1\n"
    assert result.stderr.splitlines() == ["Step silent wrote no output."]


def test_logs_of_one_silent_step_print_nothing_on_stdout_and_say_so(cli):
    run = run_quiet(cli, "silent_then_chatty")

    result = cli("pipeline", "runs", "logs", run, "--step", "silent")

    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines() == ["Step silent wrote no output."]


def test_a_skipped_step_is_said_to_have_never_run(cli):
    run = run_quiet(cli, "fails_then_skips")

    result = cli("pipeline", "runs", "logs", run)

    assert result.exit_code == 0, result.output
    assert "this step always fails" in result.stdout  # the failed step's log has its error
    assert "never printed" not in result.stdout
    assert result.stderr.splitlines() == [
        "Step never_reached was skipped (it never ran), so it wrote no output."
    ]


def test_steps_with_logs_turned_off_say_so_and_a_failed_one_says_why(cli):
    run = run_quiet(cli, "without_logs")

    result = cli("pipeline", "runs", "logs", run)

    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert sorted(result.stderr.splitlines()) == [
        "Step unlogged kept no log (step logs were turned off for it).",
        "Step unlogged_failure kept no log (step logs were turned off for it); it failed: "
        "ValueError: no log keeps this.",
    ]


def test_a_running_step_with_no_output_yet_says_so_and_later_that_it_wrote_nothing(cli, tmp_path):
    flag = tmp_path / "go"
    run = run_quiet(cli, "silent_in_background", f"flag_file={flag}")
    try:
        wait_for_step(run, "waits_silently", ExecutionStatus.RUNNING)

        running = cli("pipeline", "runs", "logs", run)

        assert running.exit_code == 0, running.output
        assert running.stdout == ""
        assert running.stderr.splitlines() == [
            "Step waits_silently is running and has written no output yet (add --follow to "
            "keep printing its output as it comes)."
        ]
    finally:
        flag.write_text("go")
    assert Client().wait_for_pipeline_run(run, timeout=30).status is ExecutionStatus.COMPLETED

    done = cli("pipeline", "runs", "logs", run)

    assert done.stderr.splitlines() == ["Step waits_silently wrote no output."]


def test_follow_says_once_at_the_end_that_a_step_wrote_nothing(cli, tmp_path):
    flag = tmp_path / "go"
    run = run_quiet(cli, "silent_in_background", f"flag_file={flag}")
    timer = threading.Timer(0.5, flag.write_text, args=("go",))
    timer.start()
    try:
        result = cli("pipeline", "runs", "logs", run, "--follow", "--interval", "0.05")
    finally:
        timer.cancel()
        flag.write_text("go")

    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines() == ["Step waits_silently wrote no output."]


def test_a_cached_step_keeps_its_hint_and_gets_no_second_note(cli):
    first = run_quiet(cli, "timed")
    cached = run_quiet(cli, "timed")
    assert cached != first

    result = cli("pipeline", "runs", "logs", cached)

    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"Step cacheable was cached from run {first}; see its output with "
        f"`stepwell pipeline runs logs {first} --step cacheable`."
    ]
