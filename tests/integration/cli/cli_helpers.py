"""Helpers for the CLI tests: run targets of the sample pipelines, reading rendered tables."""

from pathlib import Path

SAMPLE = Path(__file__).parent / "cli_sample_pipelines.py"


def target(name: str) -> str:
    """The `stepwell run` target of a pipeline in `cli_sample_pipelines.py`, by file path."""
    return f"{SAMPLE}:{name}"


def table_rows(text: str) -> list[list[str]]:
    """The body rows of the tables in `text`, as lists of stripped cell texts.

    Out of a terminal (as here) tables have ASCII borders: a `+---+` line above the header
    row, one under it, and one under the last row."""
    rows: list[list[str]] = []
    state = "out"  # where the next line is: out, top (border seen), header, body
    for line in text.splitlines():
        if line.startswith("+"):
            state = {"out": "top", "header": "body"}.get(state, "out")
        elif line.startswith("|") and state in ("top", "header"):
            state = "header"
        elif line.startswith("|") and state == "body":
            rows.append([cell.strip() for cell in line.split("|")[1:-1]])
        else:
            state = "out"
    return rows
