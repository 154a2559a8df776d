"""Helpers for the CLI tests: run targets of the sample pipelines, reading rendered tables."""

from pathlib import Path

SAMPLE = Path(__file__).parent / "cli_sample_pipelines.py"


def target(name: str) -> str:
    """The `stepwell run` target of a pipeline in `cli_sample_pipelines.py`, by file path."""
    return f"{SAMPLE}:{name}"


def table_rows(text: str) -> list[list[str]]:
    """The body rows of the Rich tables in `text`, as lists of stripped cell texts."""
    return [
        [cell.strip() for cell in line.split("│")[1:-1]]
        for line in text.splitlines()
        if line.startswith("│")
    ]
