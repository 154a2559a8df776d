"""The one rule for the names users give steps and invocations (pure).

Invocation ids and step names appear in file names (logs, artifact folders), URLs and
commands, so they are kept to a safe alphabet: letters, digits, `_`, `-`, `.` and `:` (mapped
steps are `step:0`, `step:1`, ...), at most 255 characters, and never only dots.
"""

from __future__ import annotations

MAX_NAME = 255
_EXTRA = frozenset("_-.:")


def name_problem(value: object) -> str | None:
    """Why `value` is not a valid step name or invocation id, or None when it is."""
    if not isinstance(value, str) or not value:
        return "it must be a non-empty string"
    if len(value) > MAX_NAME:
        return f"it is {len(value)} characters long; at most {MAX_NAME} are allowed"
    bad = next((c for c in value if not (c.isascii() and c.isalnum()) and c not in _EXTRA), None)
    if bad is not None:
        return f"it contains {bad!r}; use letters, digits, '_', '-', '.' and ':'"
    if set(value) == {"."}:
        return "it cannot be only dots"
    return None
