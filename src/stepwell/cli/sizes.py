"""Byte counts as people read them, for the CLI's tables (layer: read).

The same words as the dashboard's size helper: "1 byte", "512 bytes", "2.3 kB", "4.0 MB"
(powers of 1000, one decimal). JSON output keeps the plain byte count.
"""

from __future__ import annotations

_UNITS = ("kB", "MB", "GB", "TB", "PB")


def human_size(size: int | None) -> str | None:
    """`size` bytes in the largest unit under 1000 of it; None stays None (size unknown)."""
    if size is None:
        return None
    if size < 1000:
        return "1 byte" if size == 1 else f"{size} bytes"
    value = size / 1000
    unit = 0
    while value >= 999.95 and unit < len(_UNITS) - 1:
        value /= 1000
        unit += 1
    return f"{value:.1f} {_UNITS[unit]}"
