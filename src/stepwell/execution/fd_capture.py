"""Capture what the process writes to file descriptors 1 and 2, still passing it on.

Part of launch (`step_logs`): while a step runs, fds 1 and 2 point into pipes, and one
reader thread copies every chunk to the step's log and on to where the fds pointed before
(the terminal, a notebook kernel's pipe, a background run's log file). Output that never
passes through `sys.stdout` is kept this way too: subprocesses (which inherit the fds),
`os.write(1, ...)` and C libraries' `printf`. The reader drains the pipes while the step
writes, so a step printing megabytes never blocks on a full pipe (`fd_redirect`).

A process that exists to run steps (a local orchestrator's worker) calls
`keep_between_steps()`: its pipes and reader thread are set up for its first step and kept,
and each later step only swaps the sink, behind a barrier that gets everything the previous
step wrote into its log first. Elsewhere (steps run inline in the calling process) the fds
point back where they were when the step ends; a subprocess still writing after that keeps
its pipe, and what it writes then reaches the terminal only.

While a step is captured, a thread that has just written a line through Python's streams or
logged a record calls `pump`, which passes on what the pipes hold there and then: that keeps
its lines in the order they were written, across stdout and stderr (`fd_redirect`).

The fds belong to the whole process, so one capture runs at a time per process: a second
one meanwhile (a step run inline in another thread) gets no fds and the caller falls back
to capturing Python's streams.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from stepwell.execution.fd_redirect import STREAMS, FdRedirect, flush_everything
from stepwell.utils.fork_locks import fork_safe_lock

_claim = fork_safe_lock(sys.modules[__name__], "_claim")
_in_use = False
_keep = False  # this process runs steps only: keep the redirect between steps
_kept: FdRedirect | None = None
_active: FdRedirect | None = None  # the redirect of the step being captured now


def keep_between_steps() -> None:
    """Keep fds 1 and 2 in their pipes from this process's first captured step to its end,
    so that a step costs no pipes, dups or thread of its own. Only for a process whose
    output is all step output (a worker): between steps, its fds stay in the pipes."""
    global _keep
    _keep = True


def _forget_kept() -> None:
    """In a forked child the reader thread is gone: the parent's redirect is not ours, and
    a capture the parent was in is not one this process is in."""
    global _keep, _kept, _in_use, _active
    _keep, _kept, _in_use, _active = False, None, False, None


os.register_at_fork(after_in_child=_forget_kept)


@contextmanager
def fds_captured(sink: Callable[[bytes], None]) -> Iterator[frozenset[int]]:
    """Send what fds 1 and 2 receive to `sink` (called from one reader thread) and to
    their original targets; yield the fds captured (none if another capture holds them,
    or they are closed, or the platform has no pipes to select on)."""
    global _in_use, _active
    with _claim:
        usable = not _in_use and os.name == "posix" and all(map(_is_open, STREAMS))
        if usable:
            _in_use = True
    if not usable:
        yield frozenset()
        return
    try:
        redirect = _redirect_for_step()
        redirect.attach(sink)
        _active = redirect
        try:
            yield frozenset(STREAMS)
        finally:
            try:
                redirect.end_step()
            finally:
                _active = None
                if redirect is not _kept:
                    redirect.close()
    finally:
        with _claim:
            _in_use = False


def pump(last: int | None = None) -> None:
    """Pass on now, from this thread, what the captured fds' pipes hold, fd `last`'s pipe
    last: call it right after writing a line to fd `last` (or logging a record). Nothing to
    do when no step is captured in this process."""
    redirect = _active
    if redirect is not None:
        redirect.pump(last)


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def _redirect_for_step() -> FdRedirect:
    global _kept
    if _kept is not None:
        return _kept
    flush_everything()  # what was written before goes where the fds pointed then
    redirect = FdRedirect()
    if _keep:
        _kept = redirect
    return redirect


def release_kept() -> None:
    """At the end of a process that kept its redirect: let what is still in the pipes reach
    the terminal, then point the fds back."""
    global _kept
    redirect, _kept = _kept, None
    if redirect is not None:
        try:
            redirect.end_step()
        finally:
            redirect.close()
