"""Unpacking a snapshot's code archive, trusting neither its name nor its entries.

A triggered run unpacks the archive its snapshot names (`runs/runner.py`). The archive sits
in a shared artifact store and its path in a shared metadata store, so before anything is
written: the content digest is recomputed and must equal the digest the archive is named by
(a renamed or edited archive is refused); entry names must be plain relative paths (no
absolute paths, no `..`, no drive letters or backslashes); and the unpacked size and file
count are capped (STEPWELL_CODE_ARCHIVE_MAX_MB, as for building, and
STEPWELL_CODE_ARCHIVE_MAX_FILES, 20,000 by default), counting the bytes really inflated,
not the sizes the archive claims. Files are written without following symlinks.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

import xxhash

from stepwell.exceptions import ConfigurationError, UnsafeArchiveError
from stepwell.snapshots.code_archive import METADATA_NAME, max_archive_bytes
from stepwell.utils.private_files import private_folder

ENV_MAX_FILES = "STEPWELL_CODE_ARCHIVE_MAX_FILES"
DEFAULT_MAX_FILES = 20_000
_CHUNK = 1 << 20


def max_archive_files() -> int:
    raw = os.environ.get(ENV_MAX_FILES, str(DEFAULT_MAX_FILES))
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(f"{ENV_MAX_FILES}={raw!r} must be a whole number.") from None


def digest_from_name(code_uri: str) -> str:
    """The digest a content-addressed archive (`<digest>.zip`) claims by its name."""
    name = code_uri.rstrip("/").rsplit("/", 1)[-1]
    return name.removesuffix(".zip")


def extract_archive(archive_path: str, cache_folder: Path, digest: str) -> Path:
    """The archive unpacked under `cache_folder/<digest>` (unpacked once, atomically), after
    checking that its content has that digest and that it is safe to unpack."""
    if not digest or any(c not in "0123456789abcdef" for c in digest):
        raise UnsafeArchiveError(
            f"The code archive {archive_path} is not named by a content digest; snapshots "
            "store their code as <digest>.zip. Re-create the snapshot."
        )
    target = cache_folder / digest
    if target.is_dir():
        return target
    private_folder(cache_folder)
    staging = Path(tempfile.mkdtemp(prefix=f".{digest}-", dir=cache_folder))
    try:
        with zipfile.ZipFile(archive_path) as archive:
            actual = _unpack(archive, staging, archive_path)
        if actual != digest:
            raise UnsafeArchiveError(
                f"The code archive {archive_path} has content digest {actual}, not the "
                f"{digest} its name claims: it was changed after the snapshot was made. "
                "Re-create the snapshot from trusted code."
            )
        os.replace(staging, target)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        if target.is_dir():  # another process unpacked it first
            return target
        raise UnsafeArchiveError(f"Could not unpack {archive_path}: {error}") from error
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _unpack(archive: zipfile.ZipFile, into: Path, label: str) -> str:
    """Write every entry under `into`; return the content digest (as `build_archive`'s)."""
    entries = archive.infolist()
    limit_files, limit_bytes = max_archive_files(), max_archive_bytes()
    if len(entries) > limit_files:
        raise UnsafeArchiveError(
            f"The code archive {label} has {len(entries)} entries, over the cap of "
            f"{limit_files} ({ENV_MAX_FILES})."
        )
    digest = xxhash.xxh3_128()
    metadata = b""
    budget = [limit_bytes]
    for info in entries:
        parts = _safe_parts(info.filename, label)
        if info.is_dir():
            _make_folders(into, parts)
            continue
        data = _inflate(archive, info, budget, label)
        if info.filename == METADATA_NAME:
            metadata = data
        else:
            digest.update(info.filename.encode() + b"\0" + data)
        folder = _make_folders(into, parts[:-1])
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
        descriptor = os.open(folder / parts[-1], flags, 0o644)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
    digest.update(metadata)
    return str(digest.hexdigest())


def _safe_parts(name: str, label: str) -> list[str]:
    path = PurePosixPath(name)
    parts = [p for p in path.parts if p not in ("", ".")]
    if (
        not parts
        or path.is_absolute()
        or ".." in parts
        or "\\" in name
        or ":" in parts[0]
        or "\0" in name
    ):
        raise UnsafeArchiveError(
            f"The code archive {label} has an entry named {name!r}, which would unpack "
            "outside its folder; refusing to unpack it."
        )
    return parts


def _inflate(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int], label: str
) -> bytes:
    """The entry's bytes, stopping as soon as the archive's total passes the size cap."""
    chunks = []
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise UnsafeArchiveError(
                    f"The code archive {label} unpacks to more than the "
                    f"{max_archive_bytes() / 2**20:.0f} MB cap "
                    "(STEPWELL_CODE_ARCHIVE_MAX_MB); refusing to unpack it."
                )
            chunks.append(chunk)
    return b"".join(chunks)


def _make_folders(into: Path, parts: list[str]) -> Path:
    folder = into
    for part in parts:
        folder = folder / part
        if folder.is_symlink():
            raise UnsafeArchiveError(f"{folder} is a symlink; refusing to unpack through it.")
        folder.mkdir(exist_ok=True)
    return folder
