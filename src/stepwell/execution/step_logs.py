"""Capture a step's stdout, stderr and `logging` output to a log file, still echoing it.

The file lives in the artifact store (`<root>/logs/<run id>/<step run id>.log`) and is
linked to the step run. Local stores are written directly; remote ones get the file
uploaded when the step ends.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from stepwell.artifact_stores.base import BaseArtifactStore
from stepwell.utils.private_files import private_file, private_folder


class _LazyLog(io.TextIOBase):
    """The log file, created on the first write: silent steps cost no file at all."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._file: IO[str] | None = None

    def write(self, text: str) -> int:
        if self._file is None:
            private_folder(os.path.dirname(self._path))
            private_file(self._path)  # the log may hold what the step printed: owner only
            self._file = open(self._path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115
        return self._file.write(text)

    def flush(self) -> None:
        if self._file is not None and not self._file.closed:
            self._file.flush()

    def close(self) -> None:
        super().close()  # flushes first
        if self._file is not None:
            self._file.close()

    @property
    def written(self) -> bool:
        return self._file is not None


class _Tee(io.TextIOBase):
    """A text stream that writes to the log file and, whole lines at a time, to the
    original stream.

    Steps run side by side in processes that share the terminal (or a notebook's output):
    a `print` arrives in pieces (`"a"`, `" "`, `"b"`, `"\\n"`), so echoing pieces as they
    come interleaves steps mid-line. Each complete line is echoed with one write and
    flushed at once; a partial line waits for its end (or for `flush`).
    """

    def __init__(self, original: IO[str], log: IO[str] | _LazyLog) -> None:
        self._original = original
        self._log = log
        self._partial = ""

    def write(self, text: str) -> int:
        self._log.write(text)
        pending = self._partial + text
        cut = pending.rfind("\n") + 1
        self._partial = pending[cut:]
        if cut:
            self._echo(pending[:cut])
        return len(text)

    def _echo(self, text: str) -> None:
        with contextlib.suppress(ValueError):  # the original stream was closed under us
            self._original.write(text)
            self._original.flush()

    def flush(self) -> None:
        self._log.flush()
        if self._partial:
            text, self._partial = self._partial, ""
            self._echo(text)
        with contextlib.suppress(ValueError):
            self._original.flush()

    def isatty(self) -> bool:
        return bool(getattr(self._original, "isatty", lambda: False)())

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._original, "encoding", "utf-8") or "utf-8"

    def fileno(self) -> int:
        return self._original.fileno()


def logs_uri_for(artifact_store: BaseArtifactStore, run_id: Any, step_run_id: Any) -> str:
    """Where a step run's log file goes."""
    return artifact_store.join(artifact_store.path, "logs", str(run_id), f"{step_run_id}.log")


@contextmanager
def capture_step_logs(artifact_store: BaseArtifactStore, uri: str) -> Iterator[None]:
    """Tee stdout, stderr and root-logger records into the log file at `uri`."""
    if artifact_store.is_local:
        local_path = uri
    else:
        handle, local_path = tempfile.mkstemp(suffix=".log")
        os.close(handle)
    log = _LazyLog(local_path)
    handler = logging.StreamHandler(log)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    old_out, old_err = sys.stdout, sys.stderr
    tee_out, tee_err = _Tee(old_out, log), _Tee(old_err, log)
    sys.stdout, sys.stderr = tee_out, tee_err
    handlers: list[logging.Handler] = [handler]
    if not root.handlers:
        # Python shows warnings of an unconfigured logging setup on stderr (its "last
        # resort"); adding our handler would silence that, so echo them the same way.
        echo = logging.StreamHandler(old_err)  # not the tee: the log has the record already
        echo.setLevel(logging.WARNING)
        handlers.append(echo)
    for added in handlers:
        root.addHandler(added)
    try:
        yield
    finally:
        tee_out.flush()
        tee_err.flush()
        sys.stdout, sys.stderr = old_out, old_err
        for added in handlers:
            root.removeHandler(added)
        log.close()
        if not artifact_store.is_local:
            if log.written:
                artifact_store.put_local(local_path, uri)
            os.remove(local_path)
