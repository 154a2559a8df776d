"""The line `runs logs` prints on stderr for a step that showed no output: why, from its
status, its recorded start and whether it has a log location."""

from datetime import datetime, timezone
from types import SimpleNamespace

from stepwell.cli.empty_logs import no_output_note, no_steps_note
from stepwell.enums import ExecutionStatus as S

STARTED = datetime(2026, 1, 1, tzinfo=timezone.utc)


def step_run(status, start_time=STARTED, logs_uri="/logs/x.log", status_message=None):
    return SimpleNamespace(
        status=status, start_time=start_time, logs_uri=logs_uri, status_message=status_message
    )


def test_a_step_that_failed_before_writing_says_so_with_the_first_line_of_its_error():
    failed = step_run(S.FAILED, status_message="Orchestration failed: gone\nmore detail")
    assert no_output_note("train", failed) == (
        "Step train failed before writing any output: Orchestration failed: gone."
    )


def test_a_step_stopped_after_it_started_or_before_it_started():
    assert no_output_note("train", step_run(S.STOPPED)) == (
        "Step train was stopped before writing any output."
    )
    assert no_output_note("train", step_run(S.STOPPED, start_time=None, logs_uri=None)) == (
        "Step train was stopped before it started, so it wrote no output."
    )


def test_a_step_that_never_started_but_failed_gives_its_reason():
    never = step_run(S.FAILED, start_time=None, logs_uri=None, status_message="Run died.")
    assert no_output_note("train", never) == (
        "Step train never started (it failed: Run died.), so it wrote no output."
    )


def test_a_step_still_going_points_at_follow():
    assert no_output_note("train", step_run(S.RETRYING)) == (
        "Step train is retrying and has written no output yet (add --follow to keep "
        "printing its output as it comes)."
    )


def test_a_run_with_no_steps_says_whether_it_has_ended():
    ended = SimpleNamespace(name="r-1", status=S.FAILED, status_message="Orchestration failed")
    going = SimpleNamespace(name="r-2", status=S.INITIALIZING, status_message=None)
    assert no_steps_note(ended) == "Run r-1 has no steps: it failed: Orchestration failed."
    assert no_steps_note(going) == "Run r-2 has no steps yet (it is initializing)."
