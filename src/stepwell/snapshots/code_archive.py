"""The code archive of a snapshot: the user's source root as a zip, so later runs don't depend
on the working tree staying the same.

Files are those git would track (`git ls-files`, honouring `.gitignore`) when the source root
is inside a git work tree; otherwise every file except well-known clutter and the patterns of
the root's `.gitignore`. The archive is capped (STEPWELL_CODE_ARCHIVE_MAX_MB, 50 by default)
with an error that says how to get under the cap. Archives are content-addressed, so an
unchanged tree is stored once.
"""

from __future__ import annotations

import fnmatch
import io
import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import xxhash

from stepwell.exceptions import ConfigurationError

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
    tracked = _git_files(root)
    if tracked is not None:
        return sorted(path for path in tracked if (root / path).is_file())
    patterns = _gitignore_patterns(root)
    found = []
    for folder, dirs, files in os.walk(root):
        relative_folder = Path(folder).relative_to(root)
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in SKIPPED_FOLDERS
            and not d.endswith(".egg-info")
            and not _ignored(relative_folder / d, patterns)
        )
        for name in sorted(files):
            relative = relative_folder / name
            if not name.endswith((".pyc", ".pyo")) and not _ignored(relative, patterns):
                found.append(relative)
    return sorted(found)


def _git_files(root: Path) -> list[Path] | None:
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


def _gitignore_patterns(root: Path) -> list[str]:
    ignore = root / ".gitignore"
    if not ignore.is_file():
        return []
    lines = ignore.read_text(encoding="utf-8", errors="replace").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _ignored(relative: Path, patterns: list[str]) -> bool:
    text = relative.as_posix()
    for pattern in patterns:
        bare = pattern.strip("/")
        if fnmatch.fnmatch(text, bare) or fnmatch.fnmatch(relative.name, bare):
            return True
        if text.startswith(bare + "/"):
            return True
    return False


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


def extract_archive(archive_path: str, cache_folder: Path, digest: str) -> Path:
    """The archive unpacked under `cache_folder/<digest>` (unpacked once, atomically)."""
    target = cache_folder / digest
    if target.is_dir():
        return target
    cache_folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{digest}-", dir=cache_folder))
    with zipfile.ZipFile(archive_path) as archive:
        archive.extractall(staging)
    try:
        os.replace(staging, target)
    except OSError:  # another process unpacked it first
        shutil.rmtree(staging, ignore_errors=True)
    return target


def read_metadata(folder: Path) -> dict[str, Any]:
    return dict(json.loads((folder / METADATA_NAME).read_text(encoding="utf-8")))
