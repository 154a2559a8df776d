"""The artifact store: file operations on artifact bytes, over fsspec.

Sits under materializers in the flow (launch -> materializer -> artifact store). Materializers
only see this small interface, so the same materializer writes to a local folder or to S3.
Writes are made visible atomically with `staged_directory`: bytes go to a hidden staging
folder first and are moved into place only when complete; the metadata record is committed
after that, so nobody ever sees a half-written artifact.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import posixpath
import uuid
from collections.abc import Iterator
from typing import IO, Any

from stepwell.artifact_stores import known

# A child of stepwell's logger (the lowest layer cannot import `stepwell.logger`, which
# reads configuration).
logger = logging.getLogger(__name__)
STAGING_PREFIX = ".staging-"
# fsspec protocols whose files exist only in one process or on one machine.
MACHINE_LOCAL_SCHEMES = frozenset({"memory", "file", "local", "simplecache", "filecache"})


class BaseArtifactStore:
    """File operations rooted at `path`, a local folder or an fsspec URL."""

    def __init__(self, path: str, **storage_options: Any) -> None:
        path = _without_file_scheme(path)
        self.path = path.rstrip("/") if "://" in path else os.path.abspath(path)
        self.storage_options = storage_options
        self._fs: Any = None
        self._fs_pid = 0  # the process that made `_fs`
        self._remember()

    def __repr__(self) -> str:  # storage options may hold credentials: never shown
        return f"{type(self).__name__}({self.path!r})"

    def __getstate__(self) -> dict[str, Any]:
        """What a worker gets, in memory (a pipe, a task's payload): the root and the
        storage options, not the live filesystem, which the worker makes again on first use."""
        state = dict(self.__dict__)
        state["_fs"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._remember()

    def _remember(self) -> None:
        """A store with options reads the bare URIs under its root in this process
        (`artifact_stores.known`); without options, any store of the URI reads them alike."""
        if self.storage_options:
            known.remember(self)

    # -- plumbing -------------------------------------------------------------------------
    @property
    def fs(self) -> Any:
        """The fsspec filesystem behind this store, made on first use in each process.

        A forked worker inherits the parent's filesystem object (the parent may have used it,
        checking a cached step), but an async one such as s3fs is bound to the parent's event
        loop and refuses to run in the child; so a process never uses a filesystem another
        process made. fsspec itself starts a fresh loop and instance cache after a fork.
        """
        pid = os.getpid()
        if self._fs is None or self._fs_pid != pid:
            from fsspec.core import url_to_fs

            self._fs, _ = url_to_fs(self.path, **self.storage_options)
            self._fs_pid = pid
        return self._fs

    @property
    def is_local(self) -> bool:
        """Whether the root is a folder of this machine (handled without fsspec)."""
        return "://" not in self.path

    @property
    def is_remote_reachable(self) -> bool:
        """Whether a worker on another machine can read and write this store.

        Orchestrators that run steps on other machines (a multi-node cluster) refuse a stack
        whose artifact store is not: a local folder, or a URL of a filesystem that lives in
        one process or on one machine (`memory://`, `file://`, `local://`). Object stores
        and other network filesystems are (given credentials there).
        """
        if self.is_local:
            return False
        return self.path.split("://", 1)[0].lower() not in MACHINE_LOCAL_SCHEMES

    def join(self, *parts: str) -> str:
        return posixpath.join(*parts) if not self.is_local else os.path.join(*parts)

    # -- file operations used by materializers -------------------------------------------
    def open(self, path: str, mode: str = "rb", **kwargs: Any) -> IO[Any]:
        if self.is_local:
            if any(flag in mode for flag in "wa"):
                os.makedirs(os.path.dirname(path), exist_ok=True)
            return open(path, mode, **kwargs)
        return self.fs.open(path, mode, **kwargs)

    def exists(self, path: str) -> bool:
        return os.path.exists(path) if self.is_local else bool(self.fs.exists(path))

    def isdir(self, path: str) -> bool:
        return os.path.isdir(path) if self.is_local else bool(self.fs.isdir(path))

    def makedirs(self, path: str) -> None:
        if self.is_local:
            os.makedirs(path, exist_ok=True)
        else:
            self.fs.makedirs(path, exist_ok=True)

    def listdir(self, path: str) -> list[str]:
        """Names (not paths) of the entries directly under `path`."""
        if self.is_local:
            return sorted(os.listdir(path))
        return sorted(posixpath.basename(p.rstrip("/")) for p in self.fs.ls(path, detail=False))

    def remove(self, path: str) -> None:
        """Remove a file or a folder with everything under it; a missing path is fine."""
        if self.is_local:
            import shutil

            if os.path.isdir(path):
                shutil.rmtree(path, ignore_errors=True)
            elif os.path.exists(path):
                os.remove(path)
        elif self.fs.exists(path):
            self.fs.rm(path, recursive=True)

    def size(self, path: str) -> int:
        """Total size in bytes of a file, or of all files under a folder."""
        return sum(size for _, size, _ in self.walk_files(path))

    def walk_files(self, path: str) -> Iterator[tuple[str, int, str]]:
        """Every file under `path` as (`/`-separated relative path, size, full path), sorted
        by relative path; a file itself is ("", size, path)."""
        if self.is_local:
            if os.path.isfile(path):
                yield "", os.path.getsize(path), path
                return
            found = []
            for root, _dirs, files in os.walk(path):
                for name in files:
                    full = os.path.join(root, name)
                    relative = os.path.relpath(full, path).replace(os.sep, "/")
                    found.append((relative, os.path.getsize(full), full))
            yield from sorted(found)
            return
        # Relative to the filesystem's own spelling of `path`: some list paths with a
        # leading slash and others without.
        fs = self.fs
        root = fs._strip_protocol(path).rstrip("/")
        found = []
        for full, info in fs.find(path, detail=True).items():
            relative = full[len(root) :].lstrip("/") if full.startswith(root) else full
            found.append((relative, int(info.get("size") or 0), full))
        yield from sorted(found)

    def put_local(self, local_path: str, path: str) -> None:
        """Copy a local file or folder into the store."""
        if self.is_local:
            import shutil

            if os.path.isdir(local_path):
                shutil.copytree(local_path, path, dirs_exist_ok=True)
            else:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                shutil.copyfile(local_path, path)
        else:
            self.fs.put(local_path, path, recursive=os.path.isdir(local_path))

    def get_local(self, path: str, local_path: str) -> None:
        """Copy a file or folder from the store to a local path."""
        if self.is_local:
            import shutil

            if os.path.isdir(path):
                shutil.copytree(path, local_path, dirs_exist_ok=True)
            else:
                os.makedirs(os.path.dirname(local_path) or ".", exist_ok=True)
                shutil.copyfile(path, local_path)
        else:
            self.fs.get(path, local_path, recursive=self.fs.isdir(path))

    # -- atomic publication ---------------------------------------------------------------
    def new_artifact_uri(self, *parts: str) -> str:
        """A fresh, unused location for one artifact version's bytes.

        Flat (`<root>/<parts>-<uuid>`): a folder per step would cost extra directory
        creations on every step, and readers find artifacts through the store anyway.
        """
        hint = "-".join(_safe_segment(p) for p in parts)
        return self.join(self.path, f"{hint}-{uuid.uuid4().hex}" if hint else uuid.uuid4().hex)

    @contextlib.contextmanager
    def staged_directory(self, final_uri: str) -> Iterator[str]:
        """Yield a folder to write into that becomes `final_uri` only when complete.

        Locally: a hidden staging folder, flushed to disk and renamed into place. Object
        stores have no rename: bytes go straight to `final_uri`, which nothing points to
        until the metadata record is committed, and a failed write is removed.
        """
        if not self.is_local:
            try:
                yield final_uri
            except BaseException:
                self._discard(final_uri)
                raise
            return
        parent, name = os.path.split(final_uri)
        staging = os.path.join(parent, f"{STAGING_PREFIX}{name}")
        self.makedirs(staging)
        try:
            yield staging
        except BaseException:
            self._discard(staging)
            raise
        # Bytes reach the disk before the folder gets its final name, and the name before
        # the metadata record is committed: even a power cut leaves no visible half-artifact.
        # On the way, the artifact is made private (0700/0600) whatever the umask.
        _seal_tree(staging)
        os.replace(staging, final_uri)
        _fsync_path(parent)

    def _discard(self, path: str) -> None:
        """Remove a failed write's bytes without hiding why it failed: a store that cannot
        write may not remove either, and its error is not the one to report. What stays is
        under a pending location or a staging folder, which a prune removes later."""
        try:
            self.remove(path)
        except Exception as error:
            logger.warning("Could not remove the partly written bytes at %s: %s", path, error)


def _fsync_path(path: str) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _seal_tree(folder: str) -> None:
    """Make every file under `folder` private (0600, folders 0700) and flush it to disk.

    The staging folder itself is not flushed: its entries reach the disk with the fsync of
    its parent after the rename (one journal commit on ext4 and XFS), saving one fsync per
    artifact on the hot path.
    """
    os.chmod(folder, 0o700)
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            os.chmod(path, 0o600)
            _fsync_path(path)
        if root != folder:
            os.chmod(root, 0o700)
            _fsync_path(root)


def _safe_segment(text: str) -> str:
    keep = "".join(c if c.isalnum() or c in "-_." else "_" for c in text)
    return keep.strip(".") or "_"


@functools.lru_cache(maxsize=32)
def _store_for_root(root: str) -> BaseArtifactStore:
    return BaseArtifactStore(root)


def _without_file_scheme(path: str) -> str:
    """`file:///a/b` as the local path `/a/b`: local files are handled without fsspec."""
    return path.removeprefix("file://") if path.startswith("file://") else path


def artifact_store_for_uri(uri: str) -> BaseArtifactStore:
    """An artifact store that can read `uri` (local path or fsspec URL), for loading: the
    configured store whose root holds it (with its options and credentials), else one with
    the filesystem's default options."""
    uri = _without_file_scheme(uri)
    configured = known.store_for(uri)
    if configured is not None:
        return configured
    if "://" in uri:
        scheme, rest = uri.split("://", 1)
        return _store_for_root(f"{scheme}://{rest.split('/', 1)[0]}")
    return _store_for_root(os.path.dirname(os.path.abspath(uri)))
