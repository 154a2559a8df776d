"""Which process orchestrates a run, and signalling it only while it still is that process.

A run records its orchestrating process (see `runs.submit` and `runs.background`) as a pid, a
host name and a start token; `Client.stop_pipeline_run` signals it through
`signal_recorded_process`. A pid alone names nothing for sure: on a store shared by several
machines it may be another machine's, and on this one the process may have ended and its
number been given to an unrelated process. So a process is signalled only when it runs on
this host and its start token is still the recorded one; anything else is left for the run
to pick up through the store (a stop request read with its heartbeat).

The start token of a process:

- on Linux, `<boot id>:<start time>`: the start time is field 22 of `/proc/<pid>/stat` (clock
  ticks after boot), which no later process with the same pid shares; the kernel's boot id
  (`/proc/sys/kernel/random/boot_id`) keeps a reboot's identical start times apart. Any
  process on this machine can read another's, so it can be checked before signalling.
- elsewhere, `random:<hex>`: drawn once per process (per pid, so a forked child draws its
  own). Another process cannot read it, so a process with such a token is never signalled.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
from collections.abc import Callable
from dataclasses import dataclass

_PROC = "/proc"
_START_TIME_FIELD = 22
_random_tokens: dict[int, str] = {}
# Set while a run is in progress in a process that ignores SIGINT (see
# `orchestrators.interrupts`): how `interrupt_this_process` still stops that run.
_when_sigint_ignored: Callable[[], None] | None = None


def set_sigint_ignored_fallback(
    callback: Callable[[], None] | None,
) -> Callable[[], None] | None:
    """Make `interrupt_this_process` call `callback` instead of sending a SIGINT that this
    process ignores (None: no fallback); returns the previous one."""
    global _when_sigint_ignored
    previous, _when_sigint_ignored = _when_sigint_ignored, callback
    return previous


@dataclass(frozen=True)
class ProcessIdentity:
    """A process as a run records it: pid, host name and start token."""

    pid: int
    host: str
    start_token: str


def host_name() -> str:
    """This machine's host name, as runs record it."""
    return socket.gethostname()


def _boot_id() -> str | None:
    try:
        with open(f"{_PROC}/sys/kernel/random/boot_id", encoding="ascii") as handle:
            return handle.read().strip() or None
    except OSError:
        return None


def start_token(pid: int) -> str | None:
    """The start token of process `pid` on this machine; None if it cannot be read (no such
    process, or no `/proc`)."""
    if pid < 1:
        return None
    try:
        with open(f"{_PROC}/{pid}/stat", "rb") as handle:
            stat = handle.read().decode("ascii", errors="replace")
    except OSError:
        return None
    # Field 2 is the command name in parentheses and may itself hold spaces and ')'.
    fields = stat[stat.rfind(")") + 1 :].split()
    index = _START_TIME_FIELD - 3  # `fields` begins at field 3
    if len(fields) <= index or not fields[index].isdigit():
        return None
    boot = _boot_id()
    return f"{boot}:{fields[index]}" if boot else fields[index]


def this_process() -> ProcessIdentity:
    """The identity of the calling process (computed afresh, so a forked child gets its own)."""
    pid = os.getpid()
    token = start_token(pid)
    if token is None:
        token = _random_tokens.get(pid)
        if token is None:
            token = _random_tokens[pid] = f"random:{secrets.token_hex(16)}"
    return ProcessIdentity(pid=pid, host=host_name(), start_token=token)


def recorded_process_is_gone(pid: int | None, host: str | None, token: str | None) -> bool:
    """Whether the recorded process has certainly ended: it ran on this host, its start can
    be checked here, and no process with that pid and start exists any more. (On another
    host, or without a checkable token, nothing is certain: False.)"""
    if pid is None or pid <= 1 or not host or host != host_name():
        return False
    if not token or token.startswith("random:"):
        return False
    return start_token(pid) != token


def _pidfd(pid: int) -> int | None:
    """A descriptor that stays bound to the process now holding `pid`, where supported."""
    opener = getattr(os, "pidfd_open", None)
    if opener is None or not hasattr(signal, "pidfd_send_signal"):
        return None
    try:
        return int(opener(pid))
    except ProcessLookupError:
        raise
    except OSError:  # an older kernel: fall back to a plain kill
        return None


def signal_recorded_process(
    pid: int | None, host: str | None, token: str | None, signum: int
) -> str | None:
    """Send `signum` to the recorded process if it is certainly still that process.

    Returns None once the signal is sent; otherwise why it was not (no pid, a pid that cannot
    be a run's, another host, another process now holding the pid, the process gone).
    """
    if pid is None:
        return "no orchestrating process is recorded yet"
    if pid <= 1:
        return f"the recorded process id {pid} cannot be a run's orchestrating process"
    here = host_name()
    if not host:
        return "the run does not record its orchestrating process's host"
    if host != here:
        return f"its orchestrating process runs on host {host!r}, not on this one ({here!r})"
    if not token or token.startswith("random:"):
        return f"the start of process {pid} cannot be checked on this machine"
    try:
        # The descriptor is taken before the check: if the pid is reused in between, it still
        # names the old process, and signalling through it fails instead of reaching the new.
        descriptor = _pidfd(pid)
    except ProcessLookupError:
        return f"process {pid} has ended"
    try:
        if start_token(pid) != token:
            return f"process {pid} is no longer the run's orchestrating process"
        if descriptor is None:
            os.kill(pid, signum)
        else:
            signal.pidfd_send_signal(descriptor, signum)
    except ProcessLookupError:
        return f"process {pid} has ended"
    except PermissionError:
        return f"this user may not signal process {pid}"
    finally:
        if descriptor is not None:
            with contextlib.suppress(OSError):
                os.close(descriptor)
    return None


def interrupt_this_process() -> None:
    """Deliver a Ctrl-C to this process, from any of its threads.

    SIGINT reaches whatever handles it in the main thread: during a run, the run's held
    interrupts (`orchestrators.interrupts`), which raise it at the next safe point of the run
    loop, or at once inside a step running in this process; so the run ends `stopped`. A
    process that ignores SIGINT (started in the background of a script, say) would never see
    it; there the run in progress is told through the fallback it set instead.
    """
    fallback = _when_sigint_ignored
    if fallback is not None and signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        fallback()
        return
    os.kill(os.getpid(), signal.SIGINT)
