"""How run and step statuses may change (layer: store): the rules every store applies.

Shared by `SqlStore` and the direct SQLite path (`stepwell.store.direct`), which must refuse
the same transitions with the same words; plain Python, no database library.
"""

from __future__ import annotations

from stepwell.enums import ExecutionStatus
from stepwell.exceptions import StoreError


def to_status(value: ExecutionStatus | str) -> ExecutionStatus:
    """`value` as an ExecutionStatus; an unknown status raises StoreError listing the known."""
    try:
        return ExecutionStatus(value)
    except ValueError:
        allowed = ", ".join(status.value for status in ExecutionStatus)
        raise StoreError(f"Unknown status {value!r}; use one of: {allowed}.") from None


def check_transition(kind: str, name: str, current: str, new: ExecutionStatus) -> None:
    """Statuses only move forward: a finished status is never replaced by an unfinished one."""
    old = ExecutionStatus(current)
    if old.is_finished and not new.is_finished:
        raise StoreError(
            f"{kind} '{name}' is already {old.value}; its status cannot go back to {new.value}."
        )
