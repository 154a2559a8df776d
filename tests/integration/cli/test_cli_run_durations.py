"""A run's duration (and each step's) is the store's recorded start to end, wherever the CLI
shows it: the progress lines while it runs, the summary after it, `runs list`, `runs
describe` and stepwell's own log line."""

import re
from pathlib import Path

from cli_helpers import table_rows

from stepwell.cli.output import format_duration

QUIET = Path(__file__).parent / "cli_quiet_pipelines.py"


def progress_durations(stderr: str) -> dict[str, str]:
    """`{"run": "0.25s", "<step>": "0.05s"}` from the plain progress lines of `stepwell run`."""
    shown = {}
    for line in stderr.splitlines():
        match = re.fullmatch(r"\[(run|step)\] (\S+): (\w+) \((\S+)\)", line)
        if match and match.group(3) != "running":
            kind, name, _, seconds = match.groups()
            shown["run" if kind == "run" else name] = seconds
    return shown


def run_timed(cli) -> tuple[str, dict[str, str], str]:
    """Run `timed` through the CLI: its name, the durations its progress showed, its stdout."""
    result = cli("run", f"{QUIET}:timed")
    assert result.exit_code == 0, result.output
    name = re.search(r"\[run\] (\S+): started", result.stderr).group(1)
    return name, progress_durations(result.stderr), result.stdout


def stored_durations(cli, cli_json, name: str) -> dict[str, str]:
    """The durations `runs describe` (JSON and table) and `runs list` show, formatted."""
    described = cli_json("pipeline", "runs", "describe", name)
    stored = {"run": format_duration(described["duration"])}
    stored |= {step["step"]: format_duration(step["duration"]) for step in described["steps"]}
    table = cli("pipeline", "runs", "describe", name).stdout
    assert re.search(rf"^duration +{re.escape(stored['run'])}$", table, re.MULTILINE)
    assert [[row[0], row[2]] for row in table_rows(table)] == [
        [step, seconds] for step, seconds in stored.items() if step != "run"
    ]
    (listed,) = [
        row for row in table_rows(cli("pipeline", "runs", "list").stdout) if row[0] == name
    ]
    assert listed[4] == stored["run"]  # the DURATION column
    return stored


def test_progress_summary_list_and_describe_show_the_same_durations(cli, cli_json):
    name, shown, summary = run_timed(cli)

    stored = stored_durations(cli, cli_json, name)

    assert shown == stored
    assert f"Run {name} completed in {stored['run']}" in summary


def test_a_cached_steps_duration_in_the_progress_matches_describe(cli, cli_json):
    run_timed(cli)
    name, shown, _ = run_timed(cli)

    stored = stored_durations(cli, cli_json, name)

    assert cli_json("pipeline", "runs", "describe", name)["steps"][0]["status"] == "cached"
    assert shown == stored  # a cache hit's recorded start and end are the same moment


def test_the_log_line_at_the_end_of_a_run_gives_its_stored_duration(
    cli, cli_json, monkeypatch, stepwell_logs
):
    monkeypatch.setenv("STEPWELL_LOGGING_VERBOSITY", "DEBUG")  # the CLI shows its info lines
    name, _, _ = run_timed(cli)

    seconds = cli_json("pipeline", "runs", "describe", name)["duration"]

    assert f"Pipeline run {name} has finished in {seconds:.3f}s." in stepwell_logs.text
