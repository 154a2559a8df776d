"""Model versions' run metadata side by side: `stepwell model version list --compare` (read).

One row per metadata key, one column per version, a blank cell where a version has no value
for a key: the quickest way to see which training run did better before promoting it. JSON
keeps the values as logged, aligned with the list of versions.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from stepwell.cli.output import CliTable, OutputFormat, note, print_json, stdout_console


def format_value(value: Any) -> str:
    """A metadata value for a table cell: floats to 6 significant digits, containers as JSON."""
    if isinstance(value, float):
        text = f"{value:.6g}"
        return text if any(c in text for c in ".ein") else f"{text}.0"  # 1.0 stays a float
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, default=str, sort_keys=True)
    return str(value)


def column_labels(versions: Sequence[Any]) -> list[str]:
    """A header per version: its name, or `model:name` when several models are listed."""
    several_models = len({version.model_id for version in versions}) > 1
    return [
        f"{version.model_name}:{version.name}" if several_models else str(version.name)
        for version in versions
    ]


def comparison(versions: Sequence[Any]) -> dict[str, Any]:
    """The versions and, per metadata key (sorted), each version's value or None."""
    metadata = [dict(version.run_metadata) for version in versions]
    keys = sorted({key for values in metadata for key in values})
    return {
        "versions": [
            {
                "model": version.model_name,
                "name": version.name,
                "number": version.number,
                "stage": version.stage,
                "id": str(version.id),
            }
            for version in versions
        ],
        "rows": [{"key": key, "values": [values.get(key) for values in metadata]} for key in keys],
    }


def show_comparison(
    versions: Sequence[Any], output: OutputFormat, empty: str = "No model versions found."
) -> None:
    """Print the comparison as a table (blank where a version has no value) or as JSON;
    `empty` is what to say when there are no versions (why, as the list says it)."""
    compared = comparison(versions)
    if output is OutputFormat.json:
        print_json(compared)
        return
    if not versions:
        note(empty)
        return
    if not compared["rows"]:
        note("These versions have no run metadata; log some with `log_metadata(...)`.")
        return
    table = CliTable(title="Run metadata", header_style="bold", title_justify="left")
    table.add_column("KEY", overflow="fold")
    for label, version in zip(column_labels(versions), versions, strict=True):
        stage = f" ({version.stage})" if version.stage else ""
        table.add_column(f"{label}{stage}", overflow="fold")
    for row in compared["rows"]:
        table.add_row(
            row["key"], *("" if value is None else format_value(value) for value in row["values"])
        )
    stdout_console().print(table)
