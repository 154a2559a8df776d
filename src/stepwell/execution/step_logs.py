"""Capture a step's output and `logging` records to a log file, still echoing it.

What the step's process writes to file descriptors 1 and 2 is captured (`fd_capture`):
`print`, subprocesses, `os.write` and C libraries alike. A Python stream that is not backed
by those fds (a notebook's, a test's capture) is teed at the Python level as well. Lines
written through Python's streams and log records keep their order across stdout and stderr
(`output_order`). The file lives in the artifact store
(`<root>/logs/<run id>/<step run id>.log`), is private to its owner and is linked to the
step run. Local stores get it written as the step runs (so `logs --follow` shows it live);
remote ones get it uploaded when the step ends.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from stepwell.artifact_stores.base import BaseArtifactStore
from stepwell.execution.fd_capture import fds_captured
from stepwell.execution.output_order import PumpAfterRecord, PumpedLogHandler, PumpedStream
from stepwell.utils.private_files import private_file, private_folder


class _LazyLog(io.TextIOBase):
    """The log file, created on the first write: silent steps cost no file at all.

    Written unbuffered, from the step's thread (Python-level text, `logging` records) and
    the fd reader thread (bytes), under one lock.
    """

    def __init__(self, path: str) -> None:
        self._path = path
        self._file: IO[bytes] | None = None
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        self.write_bytes(text.encode("utf-8", errors="replace"))
        return len(text)

    def write_bytes(self, data: bytes) -> None:
        with self._lock:
            if self._file is None:
                private_folder(os.path.dirname(self._path))
                private_file(self._path)  # the log may hold what the step printed: owner only
                self._file = open(self._path, "ab", buffering=0)  # noqa: SIM115
            self._file.write(data)

    def close(self) -> None:
        super().close()
        with self._lock:
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
    """Tee fds 1 and 2, Python's streams where they write elsewhere, and root-logger
    records into the log file at `uri`."""
    if artifact_store.is_local:
        local_path = uri
    else:
        handle, local_path = tempfile.mkstemp(suffix=".log")
        os.close(handle)
    log = _LazyLog(local_path)
    try:
        with (
            fds_captured(log.write_bytes) as captured,
            _python_streams_teed(log, captured),
            _records_logged(log, captured),
        ):
            yield
    finally:
        log.close()
        if not artifact_store.is_local:
            if log.written:
                artifact_store.put_local(local_path, uri)
            os.remove(local_path)


@contextmanager
def _python_streams_teed(log: _LazyLog, captured: frozenset[int]) -> Iterator[None]:
    """A stream writing to a captured fd is made line-buffered, so its lines reach the pipe
    as they are printed, and wrapped in a `PumpedStream`, so they are passed on (to the log
    and the terminal) before the next line is written; any other stream gets a `_Tee`."""
    saved = sys.stdout, sys.stderr
    relined: list[io.TextIOWrapper] = []
    tees: list[_Tee] = []
    for name, fd in (("stdout", 1), ("stderr", 2)):
        stream = getattr(sys, name)
        if stream is None:
            continue
        if fd in captured and _fd_of(stream) == fd:
            if isinstance(stream, io.TextIOWrapper) and not stream.line_buffering:
                stream.reconfigure(line_buffering=True)
                relined.append(stream)
            setattr(sys, name, PumpedStream(stream, fd))
        else:
            tee = _Tee(stream, log)
            tees.append(tee)
            setattr(sys, name, tee)
    try:
        yield
    finally:
        for tee in tees:
            tee.flush()
        sys.stdout, sys.stderr = saved
        for stream in relined:
            with contextlib.suppress(ValueError):  # closed by the step
                stream.reconfigure(line_buffering=False)


@contextmanager
def _records_logged(log: _LazyLog, captured: frozenset[int]) -> Iterator[None]:
    """Get root-logger records into the log once: a root handler writing to a captured fd
    already does (and a last handler passes its line on at once); with no handler at all,
    records go to the (captured) stderr, where Python would show warnings anyway; otherwise
    they are written to the log file directly, after what the step printed before them."""
    root = logging.getLogger()
    handler: logging.Handler
    if any(_fd_of(getattr(h, "stream", None)) in captured for h in root.handlers):
        handler = PumpAfterRecord()
    elif root.handlers:
        handler = PumpedLogHandler(log)
    else:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
        handler.flush()


def _fd_of(stream: Any) -> int | None:
    """The fd a stream writes to, or None if it has none (a notebook's, a `StringIO`)."""
    if stream is None or isinstance(stream, _Tee):
        return None
    try:
        return int(stream.fileno())
    except (AttributeError, ValueError, OSError, io.UnsupportedOperation):
        return None
