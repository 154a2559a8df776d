"""Capture what the process writes to file descriptors 1 and 2, still passing it on.

Part of launch (`step_logs`): while a step runs, fds 1 and 2 point into pipes, and one
reader thread copies every chunk to the step's log and on to where the fds pointed before
(the terminal, a notebook kernel's pipe, a background run's log file). Output that never
passes through `sys.stdout` is kept this way too: subprocesses (which inherit the fds),
`os.write(1, ...)` and C libraries' `printf`.

The reader drains the pipes while the step writes, so a step printing megabytes never
blocks on a full pipe. It passes complete lines on at once and a partial line when the pipe
goes quiet, so parallel steps sharing a terminal do not interleave mid-line. Order is kept
within each stream; between stdout and stderr it is the order the reader sees them in.

The fds belong to the whole process, so one capture runs at a time per process: a second
one meanwhile (a step run inline in another thread) gets no fds and the caller falls back
to capturing Python's streams. A background subprocess still writing after the step ended
loses its pipe: what it wrote before the step ended is kept.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

STREAMS = (1, 2)
_CHUNK = 65536
# A partial line is passed on after this long without new output from its stream.
_QUIET_SECONDS = 0.05
# After the step ends, what is still arriving (a subprocess that outlived it) is read for
# at most this long before the pipes close.
_DRAIN_SECONDS = 2.0

_claim = threading.Lock()
_in_use = False


@contextmanager
def fds_captured(sink: Callable[[bytes], None]) -> Iterator[frozenset[int]]:
    """Send what fds 1 and 2 receive to `sink` (called from one reader thread) and to
    their original targets; yield the fds captured (none if another capture holds them,
    or they are closed, or the platform has no pipes to select on)."""
    global _in_use
    with _claim:
        usable = not _in_use and os.name == "posix" and all(map(_is_open, STREAMS))
        if usable:
            _in_use = True
    if not usable:
        yield frozenset()
        return
    try:
        redirect = _Redirect(sink)
        try:
            yield frozenset(STREAMS)
        finally:
            redirect.restore()
    finally:
        with _claim:
            _in_use = False


def flush_everything() -> None:
    """Push out what Python's and C's standard streams still buffer, so it lands in the
    pipe (before the fds move back) or the terminal (before they move)."""
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        if stream is not None:
            with contextlib.suppress(Exception):
                stream.flush()
    libc_fflush = _libc_fflush()
    if libc_fflush is not None:
        libc_fflush(None)


class _Redirect:
    """fds 1 and 2 pointed into pipes, the original targets saved, the reader running."""

    def __init__(self, sink: Callable[[bytes], None]) -> None:
        flush_everything()
        self._originals: dict[int, int] = {}
        readers: dict[int, int] = {}
        try:
            for fd in STREAMS:
                self._originals[fd] = os.dup(fd)  # not inherited by subprocesses
                read_end, write_end = os.pipe()
                readers[read_end] = fd
                os.dup2(write_end, fd)  # inheritable: subprocesses write into the pipe
                os.close(write_end)
        except OSError:
            self._put_back()
            for descriptor in (*readers, *self._originals.values()):
                os.close(descriptor)
            raise
        self._reader = _Reader(readers, self._originals, sink)
        threading.Thread(target=self._reader.run, name="stepwell-step-output", daemon=True).start()

    def restore(self) -> None:
        """Flush, point the fds back, and wait until the reader has put what the step wrote
        into the sink (it closes the pipes and saved fds itself when it ends)."""
        flush_everything()
        self._put_back()
        self._reader.stopping.set()
        self._reader.drained.wait()

    def _put_back(self) -> None:
        for fd, original in self._originals.items():
            os.dup2(original, fd)


class _Reader:
    """The reader thread's work: pipe -> sink and original fd.

    Once the step has ended, it reads until every writer has closed its end of the pipes
    (at once, as a rule). A subprocess that outlived the step keeps them open: after a
    quiet moment (or the drain time) the reader lets the sink go and goes on passing that
    subprocess's output to the original fds only, so the subprocess is not cut off (a write
    into a pipe nobody reads would kill it with SIGPIPE).
    """

    def __init__(
        self, readers: dict[int, int], originals: dict[int, int], sink: Callable[[bytes], None]
    ) -> None:
        self.readers, self.originals, self.sink = readers, originals, sink
        self.stopping = threading.Event()  # the step has ended, the fds are back
        self.drained = threading.Event()  # the sink has everything the step wrote
        self.partial = dict.fromkeys(originals, b"")
        self.echoing = set(originals)

    def run(self) -> None:
        selector = selectors.DefaultSelector()
        for read_end in self.readers:
            selector.register(read_end, selectors.EVENT_READ)
        drain_until: float | None = None
        try:
            while selector.get_map():
                ready = selector.select(_QUIET_SECONDS)
                if not ready:
                    self._echo_partial_lines()
                for key, _ in ready:
                    self._read(selector, key.fd)
                if self.stopping.is_set() and not self.drained.is_set():
                    drain_until = drain_until or time.monotonic() + _DRAIN_SECONDS
                    if not ready or time.monotonic() >= drain_until:
                        self._echo_partial_lines()
                        self.drained.set()  # the sink is not used after this
        finally:
            self._echo_partial_lines()
            self.drained.set()
            selector.close()
            for descriptor in (*self.readers, *self.originals.values()):
                with contextlib.suppress(OSError):
                    os.close(descriptor)

    def _read(self, selector: selectors.BaseSelector, read_end: int) -> None:
        data = os.read(read_end, _CHUNK)
        fd = self.readers[read_end]
        if not data:  # every writer closed its end
            selector.unregister(read_end)
            return
        if self.drained.is_set():  # a subprocess that outlived the step: terminal only
            self._echo(fd, data)
            return
        self.sink(data)
        pending = self.partial[fd] + data
        cut = pending.rfind(b"\n") + 1
        self._echo(fd, pending[:cut])
        self.partial[fd] = pending[cut:]

    def _echo_partial_lines(self) -> None:
        for fd, pending in self.partial.items():
            self._echo(fd, pending)
            self.partial[fd] = b""

    def _echo(self, fd: int, data: bytes) -> None:
        if fd in self.echoing and data:
            try:
                _write_all(self.originals[fd], data)
            except OSError:  # the terminal went away; the log still gets everything
                self.echoing.discard(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


_fflush: list[Callable[[object], object] | None] = []


def _libc_fflush() -> Callable[[object], object] | None:
    """C's `fflush` (called with NULL it flushes every C stream), or None where the C
    library cannot be loaded."""
    if not _fflush:
        try:
            import ctypes

            _fflush.append(ctypes.CDLL(None).fflush)
        except (OSError, AttributeError):
            _fflush.append(None)
    return _fflush[0]
