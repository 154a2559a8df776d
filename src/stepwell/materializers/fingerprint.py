"""Fingerprints of an artifact's bytes: the fast content hash and the cryptographic digest.

Role in the flow (launch -> artifact store -> store): where a step's output is written,
`fingerprint` reads the data once and feeds every block to two hashers: xxh3 (the
`content_hash`, fast, used by cache keys: each file's `/`-separated relative path, size and
bytes, in sorted order of the paths) and SHA-256 of each file. Visualizations are written
beside the data afterwards; `Fingerprint.digest_of_folder` hashes only those new files and
combines every file's SHA-256 into the artifact's `digest` ("sha256:<hex>" of the sorted
lines `path\\0size\\0file-sha256`). The orchestrating process records the digest; loading
recomputes it over every file in the folder (`digest_matches`) before any byte is
deserialised, so data, visualizations and stray files are all covered.
"""

from __future__ import annotations

import hashlib
import hmac
import mmap
from dataclasses import dataclass, field
from typing import Any

import xxhash

from stepwell.artifact_stores.base import BaseArtifactStore
from stepwell.exceptions import ArtifactFilesMissingError

HASH_PREFIX = "xxh3_128:"
DIGEST_ALGORITHM = "sha256"
# The algorithms a recorded digest may name (checked with hashlib; nothing else is trusted).
DIGEST_ALGORITHMS = frozenset({"sha256", "sha512", "blake2b", "blake2s", "sha3_256"})
_CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True)
class Fingerprint:
    """What one pass over an artifact's data yields."""

    content_hash: str  # "xxh3_128:<hex>": fast; cache keys
    size: int  # total bytes of the data
    # Relative path -> (size, SHA-256 hex) of every data file.
    files: dict[str, tuple[int, str]] = field(default_factory=dict)

    def digest_of_folder(self, artifact_store: BaseArtifactStore, uri: str) -> str:
        """The digest of everything now under `uri`: the data files as hashed already, and
        any file written since (visualizations), read now."""
        return _combine(_file_digests(artifact_store, uri, DIGEST_ALGORITHM, known=self.files))


def fingerprint(artifact_store: BaseArtifactStore, uri: str) -> Fingerprint:
    """Hash every file under `uri` in one read: the content hash and each file's SHA-256."""
    fast = xxhash.xxh3_128()
    files: dict[str, tuple[int, str]] = {}
    total = 0
    for name, size, full in _walk(artifact_store, uri):
        fast.update(f"{name}\0{size}\0".encode())
        strong = hashlib.new(DIGEST_ALGORITHM)
        _feed(artifact_store, full, size, (fast, strong))
        files[name] = (size, strong.hexdigest())
        total += size
    return Fingerprint(HASH_PREFIX + fast.hexdigest(), total, files)


def content_hash_and_size(artifact_store: BaseArtifactStore, uri: str) -> tuple[str, int]:
    """The content hash of `uri` and its total size (no digest)."""
    fast = xxhash.xxh3_128()
    total = 0
    for name, size, full in _walk(artifact_store, uri):
        fast.update(f"{name}\0{size}\0".encode())
        _feed(artifact_store, full, size, (fast,))
        total += size
    return HASH_PREFIX + fast.hexdigest(), total


def digest_matches(artifact_store: BaseArtifactStore, uri: str, recorded: str) -> bool:
    """Whether everything under `uri` still has the `recorded` digest.

    A digest naming an unknown algorithm, or spelled wrongly, never matches.
    """
    algorithm, _, expected = recorded.partition(":")
    if algorithm not in DIGEST_ALGORITHMS or not expected:
        return False
    found = _combine(_file_digests(artifact_store, uri, algorithm), algorithm)
    return hmac.compare_digest(found, recorded.lower())


def _file_digests(
    artifact_store: BaseArtifactStore,
    uri: str,
    algorithm: str,
    known: dict[str, tuple[int, str]] | None = None,
) -> dict[str, tuple[int, str]]:
    """Size and digest of every file under `uri`; files in `known` (same size) are not read."""
    found: dict[str, tuple[int, str]] = {}
    for name, size, full in _walk(artifact_store, uri):
        if known is not None and name in known and known[name][0] == size:
            found[name] = known[name]
            continue
        hasher = hashlib.new(algorithm)
        _feed(artifact_store, full, size, (hasher,))
        found[name] = (size, hasher.hexdigest())
    return found


def _combine(files: dict[str, tuple[int, str]], algorithm: str = DIGEST_ALGORITHM) -> str:
    """One digest of a folder from its files' paths, sizes and digests."""
    hasher = hashlib.new(algorithm)
    for name in sorted(files):
        size, digest = files[name]
        hasher.update(f"{name}\0{size}\0{digest}\n".encode())
    return f"{algorithm}:{hasher.hexdigest()}"


def _walk(artifact_store: BaseArtifactStore, uri: str) -> Any:
    if not artifact_store.exists(uri):
        raise ArtifactFilesMissingError(f"Cannot hash '{uri}': nothing is stored there.")
    return artifact_store.walk_files(uri)


def _feed(
    artifact_store: BaseArtifactStore, full: str, size: int, hashers: tuple[Any, ...]
) -> None:
    """Feed one file's bytes to every hasher, block by block (each block to all hashers
    before the next is read, so a file larger than memory is read once)."""
    if artifact_store.is_local:
        _feed_local_file(hashers, full, size)
        return
    with artifact_store.fs.open(full, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            for hasher in hashers:
                hasher.update(chunk)


def _feed_local_file(hashers: tuple[Any, ...], path: str, size: int) -> None:
    """Feed a local file: memory-mapped (no copy out of the page cache) when possible, else
    read in large blocks."""
    with open(path, "rb", buffering=0) as handle:
        if size > 0:
            try:
                with (
                    mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped,
                    memoryview(mapped) as whole,
                ):
                    for start in range(0, len(whole), _CHUNK):
                        block = whole[start : start + _CHUNK]
                        for hasher in hashers:
                            hasher.update(block)
                        block.release()
                return
            except (OSError, ValueError):  # e.g. a filesystem that cannot map files
                handle.seek(0)
        buffer = bytearray(_CHUNK)
        view = memoryview(buffer)
        while read := handle.readinto(buffer):
            for hasher in hashers:
                hasher.update(view[:read])
