"""`stepwell --help` (and `stepwell` alone) shows the root's whole description, with where
the data lives, not only its first line."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("args", [("--help",), ()], ids=["--help", "bare"])
def test_root_help_says_where_data_lives(cli, args):
    result = cli(*args)

    assert result.exit_code == 0
    text = " ".join(result.stdout.split())  # Click wraps paragraphs to the terminal
    assert "stepwell: run ML pipelines and read their runs, artifacts and stacks." in text
    assert "Where data lives: STEPWELL_HOME, else a `.stepwell/` folder here or above" in text
    assert "STEPWELL_LOGGING_VERBOSITY=WARNING quiets runs." in text
