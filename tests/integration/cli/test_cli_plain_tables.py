"""Out of a terminal (a pipe, a file, CI) the CLI's tables are plain text: ASCII borders,
no box-drawing characters, in the run summary and in lists alike."""

from cli_helpers import table_rows, target


def test_the_run_summary_in_a_pipe_is_plain_ascii(cli):
    result = cli("run", target("arithmetic"))

    assert result.exit_code == 0, result.output
    assert result.stdout.isascii(), result.stdout
    assert "| STEP        | STATUS    | DURATION | CACHED |" in result.stdout
    assert [row[:2] for row in table_rows(result.stdout)] == [
        ["make_number", "completed"],
        ["scale", "completed"],
    ]


def test_a_list_in_a_pipe_is_plain_ascii(cli):
    result = cli("stack", "list")

    assert result.exit_code == 0, result.output
    assert result.stdout.isascii(), result.stdout
    assert table_rows(result.stdout) == [["*", "default", "default", "default", "-"]]
