"""The CLI's byte counts in human units: singular for one byte, powers of 1000 above."""

from __future__ import annotations

import pytest

from stepwell.cli.sizes import human_size


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (None, None),
        (0, "0 bytes"),
        (1, "1 byte"),
        (999, "999 bytes"),
        (1000, "1.0 kB"),
        (2300, "2.3 kB"),
        (999_999, "1.0 MB"),
        (4_000_000, "4.0 MB"),
        (5 * 10**9, "5.0 GB"),
    ],
)
def test_sizes_read_in_the_largest_unit_under_a_thousand(size, shown):
    assert human_size(size) == shown
