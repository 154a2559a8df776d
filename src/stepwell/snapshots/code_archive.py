"""The code archive of a snapshot: the user's source root as a zip, so later runs don't depend
on the working tree staying the same.

Files are those git would track (`git ls-files`, honouring `.gitignore`) when the source root
is inside a git work tree; otherwise every file except well-known clutter and what the root's
`.gitignore` ignores (matched by `pathspec`, so `!negation`, `**` and `folder/` patterns mean
what they mean to git). Either way stepwell's own data never goes in: `.stepwell/` folders,
SQLite files, and the home folder and local artifact store when they sit inside the root
(a snapshot taken from `stepwell init`'s project would otherwise archive its own store).
The archive is capped (STEPWELL_CODE_ARCHIVE_MAX_MB, 50 by default) with an error that says
how to get under the cap. Archives are content-addressed, so an unchanged tree is stored
once. Secrets and symlinks leading out of the root are left out (`archive_filters`);
unpacking is `archive_extract`.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pathspec
import xxhash

from stepwell.config import environment
from stepwell.exceptions import ConfigurationError
from stepwell.snapshots.archive_filters import keep_safe_files

METADATA_NAME = "__stepwell_snapshot__.json"
SKIPPED_FOLDERS = {
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    "env",
    "__pycache__",
    ".stepwell",
    "node_modules",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".tox",
    ".ipynb_checkpoints",
    "build",
    "dist",
}
# stepwell's own files, in .gitignore syntax: the project folder and SQLite stores anywhere.
STEPWELL_PATTERNS = (
    f"{environment.PROJECT_FOLDER}/",
    "*.db",
    "*.db-wal",
    "*.db-shm",
    "*.sqlite*",
)
DEFAULT_MAX_MB = 50.0


def max_archive_bytes() -> int:
    raw = os.environ.get("STEPWELL_CODE_ARCHIVE_MAX_MB", str(DEFAULT_MAX_MB))
    try:
        return int(float(raw) * 2**20)
    except ValueError:
        raise ConfigurationError(
            f"STEPWELL_CODE_ARCHIVE_MAX_MB={raw!r} must be a number of megabytes."
        ) from None


def collect_files(root: Path) -> list[Path]:
    """The files of the source root that belong in the archive, relative to it, sorted."""
    own = StepwellFiles(root)
    tracked = _git_files(root)
    candidates = tracked if tracked is not None else _walk_files(root, own)
    found = [path for path in candidates if not own.covers(path) and (root / path).is_file()]
    return sorted(keep_safe_files(root, found))


class StepwellFiles:
    """What stepwell itself keeps under a source root, which is data and never code."""

    def __init__(self, root: Path) -> None:
        self._spec = pathspec.GitIgnoreSpec.from_lines(STEPWELL_PATTERNS)
        self._folders = _owned_folders(root)

    def covers(self, relative: Path, is_folder: bool = False) -> bool:
        """Whether `relative` (a path under the root) is stepwell's own file or folder."""
        if self._spec.match_file(relative.as_posix() + ("/" if is_folder else "")):
            return True
        return any(relative.parts[: len(folder)] == folder for folder in self._folders)


def _owned_folders(root: Path) -> list[tuple[str, ...]]:
    """The home folder and the local artifact store, as parts relative to `root`, for those
    strictly inside it (one that holds the whole root can't be cut out of it)."""
    resolved_root = root.resolve()
    folders = []
    for location in (environment.home_folder(), _local_path(environment.artifact_store_path())):
        if location is None:
            continue
        try:
            parts = location.resolve().relative_to(resolved_root).parts
        except ValueError:  # outside the root: nothing to leave out
            continue
        if parts:
            folders.append(parts)
    return folders


def _local_path(location: str) -> Path | None:
    """The folder an artifact store location names on this machine; None for remote URLs."""
    if location.startswith("file://"):
        return Path(location.removeprefix("file://")).expanduser()
    if "://" in location:
        return None
    return Path(location).expanduser()


def _walk_files(root: Path, own: StepwellFiles) -> list[Path]:
    """Every file under `root` outside clutter folders, stepwell's own and `.gitignore`."""
    ignore = _gitignore_spec(root)
    found = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder).relative_to(root)
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in SKIPPED_FOLDERS
            and not d.endswith(".egg-info")
            and not own.covers(here / d, is_folder=True)
            and not _ignored_folder(ignore, here / d)
        )
        for name in files:
            relative = here / name
            if not name.endswith((".pyc", ".pyo")) and not ignore.match_file(relative.as_posix()):
                found.append(relative)
    return found


def _gitignore_spec(root: Path) -> pathspec.GitIgnoreSpec:
    ignore = root / ".gitignore"
    lines = []
    if ignore.is_file():
        lines = ignore.read_text(encoding="utf-8", errors="replace").splitlines()
    return pathspec.GitIgnoreSpec.from_lines(lines)


def _ignored_folder(spec: pathspec.GitIgnoreSpec, relative: Path) -> bool:
    """Whether git would skip the folder as a whole, so that no `!pattern` brings back a file
    inside it. pathspec also matches `data/**` against the folder `data/`, but to git that
    pattern names only what is inside, so `!data/keep.txt` still applies; such a folder is
    walked and its files are matched one by one."""
    result = spec.check_file(relative.as_posix() + "/")
    if not result.include or result.index is None:
        return False
    text = str(spec.patterns[result.index].pattern or "")
    return not text.rstrip().endswith("/**")


def _git_files(root: Path) -> list[Path] | None:
    """What git tracks or would track under `root`; None when `root` is not in a work tree
    (or git is missing), so the caller walks the folder instead."""
    if shutil.which("git") is None:
        return None
    try:
        done = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", "."],
            cwd=root,
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    names = [name for name in done.stdout.decode().split("\0") if name]
    return [Path(name) for name in names]


def build_archive(root: Path, metadata: dict[str, Any]) -> tuple[bytes, str]:
    """The zip of the source root (plus `metadata`) and its content digest."""
    limit = max_archive_bytes()
    files = collect_files(root)
    total = sum((root / path).stat().st_size for path in files)
    if total > limit:
        biggest = sorted(files, key=lambda p: (root / p).stat().st_size, reverse=True)[:3]
        raise ConfigurationError(
            f"The code of source root {root} is {total / 2**20:.1f} MB, over the "
            f"{limit / 2**20:.0f} MB cap of a snapshot's code archive (largest files: "
            f"{', '.join(str(p) for p in biggest)}). Add data files to .gitignore, or raise "
            "STEPWELL_CODE_ARCHIVE_MAX_MB."
        )
    buffer = io.BytesIO()
    digest = xxhash.xxh3_128()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            data = (root / path).read_bytes()
            digest.update(path.as_posix().encode() + b"\0" + data)
            info = zipfile.ZipInfo(path.as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
        text = json.dumps(metadata, sort_keys=True)
        digest.update(text.encode())
        archive.writestr(zipfile.ZipInfo(METADATA_NAME, date_time=(1980, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue(), digest.hexdigest()


def read_metadata(folder: Path) -> dict[str, Any]:
    return dict(json.loads((folder / METADATA_NAME).read_text(encoding="utf-8")))
