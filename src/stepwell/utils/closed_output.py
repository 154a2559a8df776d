"""When the reader of stdout or stderr goes away (`stepwell run ... 2>&1 | head -1`).

Python ignores SIGPIPE, so writing to a pipe whose reader has closed it raises
`BrokenPipeError` instead of ending the process. What stepwell writes to the terminal
(progress lines, step output passed on, notes, results) is for whoever reads it; losing that
reader must never change what a command does, least of all a run. So a writer that meets a
closed pipe calls `reader_gone(fd)`:

- the fd, and the other standard fd when it is the same pipe (as after `2>&1`), is pointed
  at the null device: later writes, by stepwell, by user code and by Python's own flush of
  its buffers at exit, succeed and go nowhere, so no "Exception ignored ... BrokenPipeError"
  is printed and the exit status is not 120;
- the fact is remembered, so that the CLI can end with 141 (128 + SIGPIPE), the status a
  shell reports for a Unix tool whose reader went away.

Only the standard streams' fds are silenced: a step's captured output and its log are
never touched here (the step-output reader passes on to its own copies of the fds and
stops passing on to one that fails). No third-party imports: any layer may use this.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import stat
import sys
from collections.abc import Iterator
from typing import IO, Any

STANDARD_FDS = (1, 2)

# The pipes (device, inode) whose reader went away, and whether any did.
_gone_pipes: set[tuple[int, int]] = set()
_any_gone = False
_keep_going = False


def reader_gone(fd: int | None) -> None:
    """Record that the reader of `fd` went away and point every standard fd that writes
    into the same pipe at the null device. Nothing for an fd that is neither 1 nor 2 (or
    None: no real file), which is no standard stream's."""
    global _any_gone
    if fd not in STANDARD_FDS:
        return
    pipe = _pipe_of(fd)
    if pipe is None:  # not a pipe or socket after all: silence this fd alone
        _point_at_null(fd)
    else:
        _gone_pipes.add(pipe)
        keep_silenced()
    _any_gone = True


def silence_standard_fds() -> None:
    """Point both stdout and stderr at the null device (the reader of one went away and
    nothing more will be written), so that no later flush can fail."""
    global _any_gone
    for fd in STANDARD_FDS:
        pipe = _pipe_of(fd)
        if pipe is not None:
            _gone_pipes.add(pipe)
        _point_at_null(fd)
    _any_gone = True


def any_reader_gone() -> bool:
    """Whether a reader of stdout or stderr went away in this process (since `forget`)."""
    return _any_gone


def forget() -> None:
    """Start afresh (a command run again in the same process, such as a test's)."""
    global _any_gone
    _gone_pipes.clear()
    _any_gone = False


def keep_silenced() -> None:
    """Point the standard fds that write into a pipe whose reader went away at the null
    device: call after putting back a copy of an fd taken before the pipe closed (stdout,
    moved onto stderr's pipe while a run goes on, is only silenced if it is that pipe)."""
    for fd in STANDARD_FDS:
        if _gone_pipes and _pipe_of(fd) in _gone_pipes:
            _point_at_null(fd)


def stream_fd(stream: IO[Any] | Any) -> int | None:
    """The fd behind `stream` if it is a real file (None for a test's in-memory capture)."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return None
    return fd if isinstance(fd, int) else None


def flush_quietly(stream: IO[Any] | None) -> None:
    """Flush `stream`; if its reader went away, silence its fd and flush what is left
    into the null device, so that nothing stays buffered to fail again at exit."""
    if stream is None:
        return
    try:
        stream.flush()
    except BrokenPipeError:
        reader_gone(stream_fd(stream))
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    except (OSError, ValueError):  # closed or not flushable: nothing more to do
        pass


def flush_standard_streams() -> None:
    """Flush `sys.stdout` and `sys.stderr` without ever raising (see `flush_quietly`)."""
    for stream in (sys.stdout, sys.stderr):
        flush_quietly(stream)


def guard_exit_flush() -> None:
    """Flush the standard streams quietly at exit, before Python's own final flush (which
    would print "Exception ignored ... BrokenPipeError" and exit with 120)."""
    atexit.register(flush_standard_streams)


@contextlib.contextmanager
def keeping_going() -> Iterator[None]:
    """While the block runs, a display whose reader went away drops its output and lets
    the work go on (`stepwell run`: the run completes as without the pipe); elsewhere it
    stops the command, which then ends with 141 (see `should_stop`)."""
    global _keep_going
    previous, _keep_going = _keep_going, True
    try:
        yield
    finally:
        _keep_going = previous


def should_stop() -> bool:
    """Whether a writer that met a closed pipe should raise `BrokenPipeError` to end the
    command (True), rather than drop its output and return (inside `keeping_going`)."""
    return not _keep_going


def _pipe_of(fd: int) -> tuple[int, int] | None:
    """The (device, inode) of the pipe or socket `fd` writes into; None for anything else."""
    try:
        info = os.fstat(fd)
    except OSError:
        return None
    if not (stat.S_ISFIFO(info.st_mode) or stat.S_ISSOCK(info.st_mode)):
        return None
    return (info.st_dev, info.st_ino)


def _point_at_null(fd: int) -> None:
    try:
        null = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    try:
        os.dup2(null, fd)
    except OSError:
        pass
    finally:
        os.close(null)
