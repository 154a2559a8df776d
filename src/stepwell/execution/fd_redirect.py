"""fds 1 and 2 pointed into pipes read by one thread, with a barrier at each step's end.

The machinery under `fd_capture`: a `FdRedirect` points fds 1 and 2 into two pipes and
starts one reader thread that copies every chunk to the current sink (the running step's
log, or none) and on to where the fds pointed before (the terminal, a notebook kernel's
pipe, a background run's log file). Setting it up costs two pipes, four dups and a thread,
so a process that only runs steps (a worker) keeps one for its whole life and each step
only swaps the sink.

`end_step` is the barrier that makes that safe: after flushing Python's and C's buffers it
writes a marker that no output contains into each pipe, through a private write end, and
waits until the reader has met both. Everything written to fds 1 and 2 before the barrier
(by this process, by C code, by subprocesses that already wrote it) is in the pipes ahead of
the markers, so it has reached the sink when `end_step` returns; the reader lets the sink
go at that moment. Output that comes later (a subprocess that outlived its step) is passed
on to the terminal, and into the log of a step that starts meanwhile in the same process.

The reader passes complete lines on at once and a partial line when its pipe goes quiet (or
at the barrier), so parallel steps sharing a terminal do not interleave mid-line.

Order is kept within each stream. Between the two pipes the reader alone cannot know it: the
step's thread holds the GIL, so the reader often wakes only after several writes to both
pipes and then drains one pipe before the other (a step's `print`s came out after all of its
log lines). So a thread that has just written a line through Python's streams or a log record
calls `pump`: under the lock the reader also takes, it passes on what the pipes hold there
and then, its own stream's pipe last. Each such write is then passed on before the next
starts, and output that reached the other pipe earlier (a subprocess's, C's) goes before it.
"""

from __future__ import annotations

import contextlib
import os
import select
import selectors
import sys
import threading
import uuid
from collections.abc import Callable

from stepwell.utils.fork_locks import fork_safe_lock

STREAMS = (1, 2)
_CHUNK = 65536
# A partial line is passed on after this long without new output from its stream.
_QUIET_SECONDS = 0.05
# How often a barrier that is still waiting checks that the reader thread is alive.
_ALIVE_CHECK_SECONDS = 1.0

Sink = Callable[[bytes], None]


class FdRedirect:
    """fds 1 and 2 pointed into pipes, the original targets saved, the reader running.

    The caller flushes Python's and C's buffers first (`flush_everything`), so that what was
    written before lands where the fds pointed then.
    """

    def __init__(self) -> None:
        self._originals: dict[int, int] = {}
        self._writers: dict[int, int] = {}  # private write ends: markers go through them
        readers: dict[int, int] = {}
        try:
            for fd in STREAMS:
                self._originals[fd] = os.dup(fd)  # not inherited by subprocesses
                read_end, write_end = os.pipe()
                readers[read_end] = fd
                self._writers[fd] = write_end
                os.dup2(write_end, fd)  # inheritable: subprocesses write into the pipe
        except OSError:
            self._put_back()
            for descriptor in (*readers, *self._writers.values(), *self._originals.values()):
                os.close(descriptor)
            raise
        self._reader = _Reader(readers, self._originals)
        self._thread = threading.Thread(
            target=self._reader.run, name="stepwell-step-output", daemon=True
        )
        self._thread.start()

    def pump(self, last: int | None = None) -> None:
        """Pass on, from this thread and at once, what the pipes hold now, the pipe of fd
        `last` last (the one the caller has just written to)."""
        self._reader.pump(last)

    def attach(self, sink: Sink) -> None:
        """Send what the pipes receive from now on to `sink` (from the reader thread)."""
        self._reader.sink = sink

    def end_step(self) -> None:
        """Return once everything written to fds 1 and 2 so far has gone to the sink (and
        its last partial lines to the terminal); the sink is let go."""
        flush_everything()
        self._repoint()
        barrier = _Barrier(b"\0stepwell-step-end-" + uuid.uuid4().hex.encode() + b"\0")
        with self._reader.lock:
            self._reader.barrier = barrier
        for write_end in self._writers.values():
            _write_all(write_end, barrier.marker)
        while not barrier.done.wait(_ALIVE_CHECK_SECONDS):
            if not self._thread.is_alive():
                break
        self._reader.sink = None

    def close(self) -> None:
        """Point the fds back. The reader goes on passing output to the original targets
        until every writer has closed the pipes (at once, unless a subprocess outlived the
        step), then closes the pipes and the saved fds itself."""
        self._reader.sink = None
        self._put_back()
        for write_end in self._writers.values():
            with contextlib.suppress(OSError):
                os.close(write_end)
        self._writers.clear()

    def _put_back(self) -> None:
        for fd, original in self._originals.items():
            os.dup2(original, fd)

    def _repoint(self) -> None:
        """A step that pointed fd 1 or 2 elsewhere (or closed it) gets it back in its pipe:
        the next step's output must not escape its log."""
        for fd, write_end in self._writers.items():
            if not _same_file(fd, write_end):
                os.dup2(write_end, fd)


class _Barrier:
    """A marker on its way through both pipes, and the streams it has yet to come out of."""

    def __init__(self, marker: bytes) -> None:
        self.marker = marker
        self.pending = set(STREAMS)
        self.done = threading.Event()


class _Reader:
    """The reader thread's work: pipe -> sink and original fd, markers taken out.

    Threads that `pump` do the same work under the same lock, so each chunk is passed on
    whole and in the order it was taken out of its pipe. The read ends are non-blocking: a
    pipe the selector saw ready may have been drained by a pump meanwhile.
    """

    def __init__(self, readers: dict[int, int], originals: dict[int, int]) -> None:
        self.readers, self.originals = readers, originals
        self.sink: Sink | None = None
        self.barrier: _Barrier | None = None
        self.partial = dict.fromkeys(originals, b"")  # not yet echoed: no newline yet
        self.held = dict.fromkeys(originals, b"")  # may be the start of a marker
        self.echoing = set(originals)
        # Reentrant: a signal handler that prints may run in a thread while it pumps.
        self.lock = fork_safe_lock(self, "lock", reentrant=True)
        self.closed = False
        # The reader waits without a timeout when no partial line is pending; a pump that
        # leaves one writes a byte here so that it is echoed once its pipe goes quiet.
        self.asleep = False
        self.wake_read, self.wake_write = os.pipe()
        for read_end in (*readers, self.wake_read):
            os.set_blocking(read_end, False)
        # For a pump: the pipes to drain, the one the pumping thread wrote to last.
        self.drain_order = {
            last: sorted(readers, key=lambda read_end: readers[read_end] == last)
            for last in (None, *originals)
        }
        self.poller = select.poll()  # used under the lock only: poll objects are not shared
        for read_end in readers:
            self.poller.register(read_end, select.POLLIN)

    def run(self) -> None:
        selector = selectors.DefaultSelector()
        for read_end in (*self.readers, self.wake_read):
            selector.register(read_end, selectors.EVENT_READ)
        open_ends = set(self.readers)
        try:
            while open_ends:
                with self.lock:
                    quiet = _QUIET_SECONDS if any(self.partial.values()) else None
                    self.asleep = quiet is None
                ready = selector.select(quiet)
                with self.lock:
                    self.asleep = False
                    if not ready:
                        self._echo_partial_lines()
                    for key, _ in ready:
                        if key.fd == self.wake_read:
                            with contextlib.suppress(BlockingIOError):
                                os.read(self.wake_read, _CHUNK)
                        elif not self._read(key.fd):  # every writer closed its end
                            selector.unregister(key.fd)
                            open_ends.discard(key.fd)
        finally:
            with self.lock:
                self._echo_partial_lines()
                barrier = self.barrier
                if barrier is not None:
                    barrier.done.set()
                selector.close()
                self.closed = True
                for descriptor in (
                    *self.readers,
                    *self.originals.values(),
                    self.wake_read,
                    self.wake_write,
                ):
                    with contextlib.suppress(OSError):
                        os.close(descriptor)

    def pump(self, last: int | None) -> None:
        """`FdRedirect.pump`, run in the calling thread."""
        with self.lock:
            if self.closed:
                return
            ready = {read_end for read_end, _ in self.poller.poll(0)}
            for read_end in self.drain_order[last]:
                if read_end in ready:
                    while self._read(read_end, pumping=True):
                        pass
            if self.asleep and any(self.partial.values()):
                self.asleep = False
                with contextlib.suppress(OSError):
                    os.write(self.wake_write, b"\0")

    def _read(self, read_end: int, pumping: bool = False) -> bool:
        """Pass on one chunk of a pipe. False at its end of file, and for a pump also when
        the pipe holds nothing more (the reader thread deals with the end of file)."""
        try:
            data = os.read(read_end, _CHUNK)
        except BlockingIOError:  # drained meanwhile by another thread
            return not pumping
        fd = self.readers[read_end]
        if not data:
            if not pumping:
                self._pass_on(fd, self.held[fd], None)
                self.held[fd] = b""
            return False
        self._take(fd, data)
        return not pumping or len(data) == _CHUNK

    def _take(self, fd: int, data: bytes) -> None:
        sink = self.sink
        barrier = self.barrier
        if barrier is not None and fd in barrier.pending:
            data = self.held[fd] + data
            at = data.find(barrier.marker)
            if at < 0:  # hold back a tail that may be the marker's start, cut by the read
                cut = len(data) - _marker_start_at_end(data, barrier.marker)
                data, self.held[fd] = data[:cut], data[cut:]
            else:
                self.held[fd] = b""
                self._pass_on(fd, data[:at], sink)
                self._echo_partial_line(fd)  # the step's last, unfinished line
                data, sink = data[at + len(barrier.marker) :], None
                barrier.pending.discard(fd)
                if not barrier.pending:
                    self.sink, self.barrier = None, None
                    barrier.done.set()
        elif barrier is not None:  # this stream's part of the step has ended
            sink = None
        self._pass_on(fd, data, sink)

    def _pass_on(self, fd: int, data: bytes, sink: Sink | None) -> None:
        if not data:
            return
        if sink is not None:
            try:
                sink(data)
            except (OSError, ValueError):  # the log cannot take it: the terminal still does
                if self.sink is sink:
                    self.sink = None
        pending = self.partial[fd] + data
        cut = pending.rfind(b"\n") + 1
        self._echo(fd, pending[:cut])
        self.partial[fd] = pending[cut:]

    def _echo_partial_lines(self) -> None:
        for fd in self.partial:
            self._echo_partial_line(fd)

    def _echo_partial_line(self, fd: int) -> None:
        self._echo(fd, self.partial[fd])
        self.partial[fd] = b""

    def _echo(self, fd: int, data: bytes) -> None:
        if fd in self.echoing and data:
            try:
                _write_all(self.originals[fd], data)
            except OSError:  # the terminal went away; the log still gets everything
                self.echoing.discard(fd)


def flush_everything() -> None:
    """Push out what Python's and C's standard streams still buffer, so it lands in the
    pipe (before a barrier, or before the fds move back) or the terminal (before they move)."""
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        if stream is not None:
            with contextlib.suppress(Exception):
                stream.flush()
    libc_fflush = _libc_fflush()
    if libc_fflush is not None:
        libc_fflush(None)


def _marker_start_at_end(data: bytes, marker: bytes) -> int:
    """How many bytes at the end of `data` are the start of `marker` (0 if none)."""
    for size in range(min(len(marker) - 1, len(data)), 0, -1):
        if data.endswith(marker[:size]):
            return size
    return 0


def _same_file(fd: int, other: int) -> bool:
    try:
        a, b = os.fstat(fd), os.fstat(other)
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


_fflush: list[Callable[[object], object] | None] = []


def load_libc_flush() -> None:
    """Load C's `fflush` now: an orchestrator calls this before forking its workers, so
    that each new worker does not import `ctypes` again (a few milliseconds per worker)."""
    _libc_fflush()


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
