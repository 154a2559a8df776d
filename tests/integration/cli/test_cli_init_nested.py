"""`stepwell init` below a folder that already has a project folder says so: the new one
takes over here and below (a note on stderr, not an error)."""

from __future__ import annotations

import pytest

from stepwell.config import environment


@pytest.fixture
def outer(tmp_path, monkeypatch):
    """A project made with `stepwell init`, without STEPWELL_HOME (which would win)."""
    monkeypatch.delenv("STEPWELL_HOME")
    folder = tmp_path / "outer"
    (folder / "inner" / "deeper").mkdir(parents=True)
    monkeypatch.chdir(folder)
    return folder


def test_init_below_a_project_notes_the_one_above_and_that_the_new_one_takes_over(
    cli, outer, monkeypatch
):
    assert cli("init").exit_code == 0
    monkeypatch.chdir(outer / "inner")

    result = cli("init")

    assert result.exit_code == 0, result.output
    assert (outer / "inner" / ".stepwell").is_dir()
    note = " ".join(result.stderr.split())
    assert f"A stepwell project folder exists above: {outer / '.stepwell'}." in note
    assert f"takes over for {outer / 'inner'} and the folders below it" in note
    monkeypatch.chdir(outer / "inner" / "deeper")
    assert environment.find_project_folder() == outer / "inner" / ".stepwell"


def test_init_with_no_project_above_adds_no_note(cli, outer):
    result = cli("init")

    assert result.exit_code == 0, result.output
    assert "exists above" not in result.stderr


def test_init_again_in_a_nested_project_adds_no_note(cli, outer, monkeypatch):
    cli("init")
    monkeypatch.chdir(outer / "inner")
    cli("init")

    again = cli("init")

    assert again.exit_code == 0
    assert "already exists; nothing to do" in again.stderr
    assert "exists above" not in again.stderr
