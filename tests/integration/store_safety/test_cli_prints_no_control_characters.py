"""What the CLI prints from the store carries no terminal control; logs are read a piece at
a time."""

from __future__ import annotations

from sqlalchemy import update
from typer.testing import CliRunner

from stepwell import pipeline, step
from stepwell.cli.app import app
from stepwell.cli.log_tail import LogTail
from stepwell.cli.output import clean
from stepwell.store.active import get_store
from stepwell.store.sql.tables import RUNS

HOSTILE = (
    "\x1b[2J\x1b]8;;http://evil.example\x07click\x1b]8;;\x07 \x1b[31mred\x1b[0m\rover\x9b1m\x07"
)


@step(enable_cache=False)
def noisy() -> int:
    print("visible " + HOSTILE)
    return 1


@pipeline(enable_cache=False)
def noisy_pipeline():
    noisy()


def _cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _has_control(text: str) -> bool:
    return any((ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F for c in text)


def test_clean_strips_escape_sequences_and_controls_but_keeps_newlines_and_tabs():
    assert clean("a\tb\nc") == "a\tb\nc"
    assert clean(HOSTILE) == "click redover"
    assert clean("right\u202eto-left") == "rightto-left"


def test_step_logs_with_escape_sequences_print_as_plain_text():
    run = noisy_pipeline()

    output = _cli("pipeline", "runs", "logs", run.name)

    assert "visible click redover" in output
    assert not _has_control(output)


def test_a_run_name_edited_to_hold_escapes_is_printed_without_them():
    run = noisy_pipeline()
    get_store()._db.write(
        lambda c: c.execute(
            update(RUNS).where(RUNS.c.id == run.id).values(name="evil\x1b[2J\x1b[Hrun\r")
        )
    )

    listing = _cli("pipeline", "runs", "list")
    described = _cli("pipeline", "runs", "describe", str(run.id))
    deleted = _cli("pipeline", "runs", "delete", str(run.id), "--yes")

    for output in (listing, described, deleted):
        assert "evilrun" in output
        assert not _has_control(output)


def test_a_log_tail_reads_only_what_was_appended_and_waits_for_split_characters(tmp_path):
    log = tmp_path / "step.log"
    log.write_bytes(b"first line\n")
    tail = LogTail(str(log))

    assert tail.read_new() == "first line\n"
    assert tail.read_new() == ""
    with log.open("ab") as handle:
        handle.write("caf\u00e9".encode()[:-1])  # the é cut in half
    assert tail.read_new() == "caf"
    with log.open("ab") as handle:
        handle.write("caf\u00e9".encode()[-1:] + b"!\n")
    assert tail.read_new() == "\u00e9!\n"
    assert tail.offset == log.stat().st_size


def test_a_log_tail_of_a_step_without_a_log_file_reads_nothing(tmp_path):
    assert LogTail(None).read_new() == ""
    assert LogTail(str(tmp_path / "not-yet.log")).read_new(final=True) == ""
