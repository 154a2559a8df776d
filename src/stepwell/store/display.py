"""How records show themselves: one short line as a repr, a small table in a notebook.

Pydantic's default repr prints every field, nested configurations and artifact lists
included: thousands of characters on one line for a run. A record's repr names what tells
it apart (`<PipelineRunResponse training-2026_12_01 completed id=1f2e3d4c>`); notebooks
call `_repr_html_`, which shows a table (values escaped: they may hold user text).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any
from uuid import UUID

MAX_VALUE = 80


def short_value(value: Any) -> str:
    """A value for a one-line repr: enums by value, ids shortened, long text cut."""
    value = getattr(value, "value", value)
    if isinstance(value, UUID):
        return str(value)[:8]
    text = str(value)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 3] + "..."


def short_repr(record: Any, fields: Iterable[str]) -> str:
    """`<ClassName first second key=value ...>` from the named fields that are set."""
    parts = []
    for index, name in enumerate(fields):
        value = getattr(record, name, None)
        if value is None:
            continue
        parts.append(short_value(value) if index < 2 else f"{name}={short_value(value)}")
    return f"<{type(record).__name__} {' '.join(parts)}>"


def html_table(title: str, rows: Iterable[tuple[str, Any]], extra: str = "") -> str:
    """A two-column table of `rows` under `title`, every value escaped."""
    body = "".join(
        f"<tr><th style='text-align:left'>{html.escape(name)}</th>"
        f"<td style='text-align:left'>{html.escape(str(getattr(value, 'value', value)))}</td></tr>"
        for name, value in rows
        if value is not None
    )
    return f"<div><strong>{html.escape(title)}</strong><table>{body}</table>{extra}</div>"


def steps_table(steps: dict[str, Any]) -> str:
    """One row per step of a run: id, status, duration."""
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td><td>{html.escape(step.status.value)}</td>"
        f"<td>{'' if step.duration is None else f'{step.duration:.3f} s'}</td></tr>"
        for name, step in steps.items()
    )
    return (
        "<table><tr><th>step</th><th>status</th><th>duration</th></tr>" + rows + "</table>"
        if rows
        else ""
    )
