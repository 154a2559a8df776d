"""`stepwell init` lists `.stepwell/` in the project's `.gitignore`, once, keeping what is there."""

import pytest


@pytest.fixture
def project(tmp_path, monkeypatch):
    """An empty project folder as the working directory."""
    folder = tmp_path / "project"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def test_init_creates_a_gitignore_that_ignores_the_project_folder(cli, project):
    result = cli("init")
    assert result.exit_code == 0, result.output
    assert (project / ".gitignore").read_text() == ".stepwell/\n"
    assert "Added .stepwell/ to" in result.stdout


def test_init_appends_to_an_existing_gitignore_and_keeps_its_content(cli, project):
    (project / ".gitignore").write_text("# mine\n*.pyc\n!keep.pyc\n")
    assert cli("init").exit_code == 0
    assert (project / ".gitignore").read_text() == "# mine\n*.pyc\n!keep.pyc\n.stepwell/\n"


def test_init_adds_a_newline_before_the_entry_when_the_file_lacks_one(cli, project):
    (project / ".gitignore").write_text("dist/")
    assert cli("init").exit_code == 0
    assert (project / ".gitignore").read_text() == "dist/\n.stepwell/\n"


def test_init_twice_writes_the_entry_once(cli, project):
    assert cli("init").exit_code == 0
    again = cli("init")
    assert again.exit_code == 0
    assert (project / ".gitignore").read_text() == ".stepwell/\n"
    assert "Added" not in again.stdout


@pytest.mark.parametrize("line", [".stepwell", "/.stepwell/", "  .stepwell/  "])
def test_init_leaves_a_gitignore_that_already_ignores_the_folder(cli, project, line):
    (project / ".gitignore").write_text(f"build/\n{line}\n")
    assert cli("init").exit_code == 0
    assert (project / ".gitignore").read_text() == f"build/\n{line}\n"
