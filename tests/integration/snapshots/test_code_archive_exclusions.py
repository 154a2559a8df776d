"""A snapshot's code archive holds the user's code only: never stepwell's store, home folder or
artifacts, and nothing `.gitignore` ignores, whether or not the source root is a git repo."""

import io
import subprocess
import zipfile
from pathlib import Path

import pytest

from stepwell.snapshots.code_archive import METADATA_NAME, build_archive

GITIGNORE = """\
# data: ignore what is inside, but keep one file
data/**
!data/keep.txt
# a whole folder: git can't bring a file back from inside it
logs/
!logs/keep.txt
**/scratch
*.log
!important.log
"""

FILES = {
    ".gitignore": GITIGNORE,
    "pipeline.py": "print('pipeline')\n",
    "pkg/__init__.py": "",
    "pkg/steps.py": "def step(): ...\n",
    "pkg/important.log": "kept by the negation\n",
    "pkg/scratch/notes.txt": "ignored by **/scratch\n",
    "important.log": "kept by the negation\n",
    "run.log": "ignored by *.log\n",
    "data/big.csv": "1,2,3\n",
    "data/keep.txt": "re-included\n",
    "logs/run.txt": "ignored folder\n",
    "logs/keep.txt": "still ignored: its folder is\n",
    ".stepwell/stepwell.db": "store",
    ".stepwell/config.yaml": "active_stack: default\n",
    "nested/.stepwell/stepwell.db-wal": "wal",
    "local.db": "sqlite",
    "local.db-wal": "wal",
    "local.db-shm": "shm",
    "pkg/cache.sqlite3": "sqlite",
    "outputs/artifacts/abc/value.bin": "artifact",
    "home/notes.txt": "the home folder",
}

CODE = {
    ".gitignore",
    "pipeline.py",
    "pkg/__init__.py",
    "pkg/steps.py",
    "pkg/important.log",
    "important.log",
    "data/keep.txt",
}


@pytest.fixture
def source_root(tmp_path, monkeypatch):
    """A source root that holds code, ignored files and stepwell's own data side by side."""
    root = tmp_path / "project"
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    monkeypatch.setenv("STEPWELL_HOME", str(root / "home"))
    monkeypatch.setenv("STEPWELL_ARTIFACT_STORE_PATH", str(root / "outputs" / "artifacts"))
    # git must not find a repository above the root (tmp_path could sit in one).
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    return root


def archived_names(root: Path) -> set[str]:
    archive, _ = build_archive(root, {"pipeline": "p"})
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        return set(opened.namelist()) - {METADATA_NAME}


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def test_plain_folder_archives_only_code(source_root):
    assert archived_names(source_root) == CODE


def test_git_repo_archives_only_code(source_root):
    git(source_root, "init", "-q")
    assert archived_names(source_root) == CODE


def test_git_tracked_stepwell_files_stay_out(source_root):
    git(source_root, "init", "-q")
    git(source_root, "add", "-A")
    # Even when forced into the index, stepwell's store and artifacts are data, not code.
    git(source_root, "add", "-f", ".stepwell", "local.db", "outputs", "home")
    assert archived_names(source_root) == CODE


def test_without_git_installed_the_walk_gives_the_same_files(source_root, monkeypatch, tmp_path):
    empty = tmp_path / "no-tools"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert archived_names(source_root) == CODE


def test_artifact_store_given_as_file_url_is_left_out(source_root, monkeypatch):
    monkeypatch.setenv(
        "STEPWELL_ARTIFACT_STORE_PATH", (source_root / "outputs" / "artifacts").as_uri()
    )
    assert archived_names(source_root) == CODE


def test_remote_artifact_store_leaves_local_folders_alone(source_root, monkeypatch):
    monkeypatch.setenv("STEPWELL_ARTIFACT_STORE_PATH", "s3://bucket/artifacts")
    assert archived_names(source_root) == CODE | {"outputs/artifacts/abc/value.bin"}


def test_home_folder_outside_the_root_changes_nothing(source_root, monkeypatch, tmp_path):
    monkeypatch.setenv("STEPWELL_HOME", str(tmp_path / "elsewhere"))
    assert archived_names(source_root) == CODE | {"home/notes.txt"}
