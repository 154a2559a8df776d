"""`fileio`: file operations on local paths and artifact-store URLs alike (`s3://...`).

The functions of ZenML's `zenml.io.fileio`, over fsspec, the filesystem layer of the artifact
stores (`artifact_stores/base.py`): a step or script can list, read and copy files in the
artifact store without caring whether it is a local folder or a bucket. A URL inside the
artifact store of the running step (or of the active stack) uses that store's filesystem, so
its storage options (endpoint, credentials) apply; any other URL gets fsspec's default
filesystem for its scheme. Paths that come back (`glob`, `walk`) keep the scheme they were
given with.
"""

from __future__ import annotations

import builtins
import os
from collections.abc import Callable, Iterator
from typing import IO, Any

_COPY_CHUNK = 8 * 1024 * 1024


def _is_remote(path: str) -> bool:
    return "://" in path and not path.startswith("file://")


def _local(path: str) -> str:
    return path.removeprefix("file://")


def _filesystem(path: str) -> Any:
    """The fsspec filesystem for `path`: the artifact store's when `path` is inside it."""
    from fsspec.core import url_to_fs

    for store in _known_stores():
        if not store.is_local and path.startswith(store.path.rstrip("/") + "/"):
            return store.fs
    return url_to_fs(path)[0]


def _known_stores() -> Iterator[Any]:
    """The running step's artifact store, then the active stack's (if it can be found)."""
    from stepwell.steps.step_context import get_step_context, in_running_step

    if in_running_step():
        store = getattr(get_step_context(), "artifact_store", None)
        if store is not None:
            yield store
    try:
        from stepwell.artifacts.utils import active_artifact_store

        yield active_artifact_store()
    except Exception:  # no store configured here: fsspec's defaults will do
        return


def _with_scheme(given: str, found: str) -> str:
    """`found` (as fsspec lists it, without scheme) spelled like `given`."""
    if not _is_remote(given) or "://" in found:
        return found
    return f"{given.split('://', 1)[0]}://{found.lstrip('/')}"


def open(path: str, mode: str = "r", **kwargs: Any) -> IO[Any]:  # the name ZenML gives it
    """Open a file (text or binary by `mode`)."""
    path = str(path)
    if not _is_remote(path):
        return builtins.open(_local(path), mode, **kwargs)
    return _filesystem(path).open(path, mode, **kwargs)  # type: ignore[no-any-return]


def exists(path: str) -> bool:
    path = str(path)
    if not _is_remote(path):
        return os.path.exists(_local(path))
    return bool(_filesystem(path).exists(path))


def isdir(path: str) -> bool:
    path = str(path)
    if not _is_remote(path):
        return os.path.isdir(_local(path))
    return bool(_filesystem(path).isdir(path))


def listdir(path: str, only_file_names: bool = True) -> list[str]:
    """The entries directly under `path` (names, or full paths); [] when it does not exist."""
    path = str(path)
    try:
        if not _is_remote(path):
            names = sorted(os.listdir(_local(path)))
        else:
            listed = _filesystem(path).ls(path, detail=False)
            names = sorted(entry.rstrip("/").rsplit("/", 1)[-1] for entry in listed)
    except (FileNotFoundError, NotADirectoryError):
        return []
    if only_file_names:
        return names
    return [
        f"{path.rstrip('/')}/{name}" if _is_remote(path) else os.path.join(path, name)
        for name in names
    ]


def makedirs(path: str) -> None:
    """Create a folder and its parents; an existing one is fine."""
    path = str(path)
    if not _is_remote(path):
        os.makedirs(_local(path), exist_ok=True)
    else:
        _filesystem(path).makedirs(path, exist_ok=True)


def mkdir(path: str) -> None:
    """Create one folder (its parent must exist)."""
    path = str(path)
    if not _is_remote(path):
        os.mkdir(_local(path))
    else:
        _filesystem(path).mkdir(path, create_parents=False)


def copy(src: str, dst: str, overwrite: bool = False) -> None:
    """Copy a file, also from one filesystem to another (streamed in chunks)."""
    src, dst = str(src), str(dst)
    if not overwrite and exists(dst):
        raise FileExistsError(f"'{dst}' exists already; pass overwrite=True to replace it.")
    if not _is_remote(src) and not _is_remote(dst):
        import shutil

        shutil.copyfile(_local(src), _local(dst))
        return
    if _is_remote(src) and _is_remote(dst) and _filesystem(src) is _filesystem(dst):
        _filesystem(src).copy(src, dst)
        return
    with open(src, "rb") as source, open(dst, "wb") as target:
        while chunk := source.read(_COPY_CHUNK):
            target.write(chunk)


def remove(path: str) -> None:
    """Remove a file; FileNotFoundError when there is none."""
    path = str(path)
    if not exists(path):
        raise FileNotFoundError(f"'{path}' does not exist.")
    if not _is_remote(path):
        os.remove(_local(path))
    else:
        _filesystem(path).rm_file(path)


def rename(src: str, dst: str, overwrite: bool = False) -> None:
    """Move a file within one filesystem."""
    src, dst = str(src), str(dst)
    if _is_remote(src) != _is_remote(dst) or (
        _is_remote(src) and src.split("://", 1)[0] != dst.split("://", 1)[0]
    ):
        raise NotImplementedError(
            f"Cannot rename '{src}' to '{dst}': they are on different filesystems. "
            "Copy the file, then remove the original."
        )
    if not overwrite and exists(dst):
        raise FileExistsError(f"'{dst}' exists already; pass overwrite=True to replace it.")
    if not _is_remote(src):
        os.replace(_local(src), _local(dst))
    else:
        _filesystem(src).mv(src, dst)


def rmtree(dir_path: str) -> None:
    """Remove a folder and everything under it; TypeError when it is not a folder."""
    dir_path = str(dir_path)
    if not isdir(dir_path):
        raise TypeError(f"'{dir_path}' is not a folder.")
    if not _is_remote(dir_path):
        import shutil

        shutil.rmtree(_local(dir_path))
    else:
        _filesystem(dir_path).rm(dir_path, recursive=True)


def glob(pattern: str) -> list[str]:
    """The paths that match `pattern` (`*`, `**`, `?`), sorted."""
    pattern = str(pattern)
    if not _is_remote(pattern):
        import glob as globbing

        return sorted(globbing.glob(_local(pattern), recursive=True))
    found = _filesystem(pattern).glob(pattern)
    return sorted(_with_scheme(pattern, item) for item in found)


def stat(path: str) -> Any:
    """`os.stat` of a local path; the filesystem's info (a dict) of a remote one."""
    path = str(path)
    if not _is_remote(path):
        return os.stat(_local(path))
    return _filesystem(path).info(path)


def size(path: str) -> int:
    """Bytes in a file, or in all files under a folder; 0 when nothing is there."""
    path = str(path)
    if not exists(path):
        return 0
    if not isdir(path):
        if not _is_remote(path):
            return os.path.getsize(_local(path))
        return int(_filesystem(path).size(path) or 0)
    total = 0
    for root, _dirs, files in walk(path):
        total += sum(size(f"{str(root).rstrip('/')}/{name}") for name in files)
    return total


def walk(
    top: str, topdown: bool = True, onerror: Callable[[OSError], None] | None = None
) -> Iterator[tuple[str, list[str], list[str]]]:
    """(folder, subfolder names, file names) for `top` and every folder under it."""
    top = str(top)
    if not _is_remote(top):
        yield from os.walk(_local(top), topdown=topdown, onerror=onerror)
        return
    on_error: Any = onerror if onerror is not None else "omit"
    for root, dirs, files in _filesystem(top).walk(top, topdown=topdown, on_error=on_error):
        yield _with_scheme(top, root), list(dirs), list(files)


__all__ = [
    "copy",
    "exists",
    "glob",
    "isdir",
    "listdir",
    "makedirs",
    "mkdir",
    "open",
    "remove",
    "rename",
    "rmtree",
    "size",
    "stat",
    "walk",
]
