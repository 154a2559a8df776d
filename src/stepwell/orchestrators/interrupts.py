"""Ctrl-C during a run, held back to the points where it is safe (orchestrate).

A `KeyboardInterrupt` can strike between any two bytecodes: after a step's end is recorded
but before the scheduler hears of it, or halfway through a store write, leaving a step that
the loop believes is running but nobody runs. While a run is submitted and orchestrated,
SIGINT only raises a flag; it becomes a `KeyboardInterrupt` inside `deliverable()` blocks
(waiting for steps, sleeping before a retry, running a step in this process) and at
`check()` points, where the loop's state is whole. An interrupt is never lost: one still
held when the outermost block ends is raised there.

Installed only in the main thread and only over Python's default SIGINT handler, so a
program's own handler is left alone (and then Ctrl-C behaves as it always did).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from stepwell.utils.processes import set_sigint_ignored_fallback


class HeldInterrupts:
    """The SIGINT handler of one run, and the places where it may raise."""

    def __init__(self, active: bool = False) -> None:
        self.active = active
        self.pending = False
        self._deliver_now = False

    def handle(self, signum: int, frame: FrameType | None) -> None:
        if self._deliver_now:
            raise KeyboardInterrupt
        self.pending = True

    def request(self) -> None:
        """Hold a Ctrl-C as if SIGINT had arrived (for a process that ignores SIGINT)."""
        self.pending = True

    def check(self) -> None:
        """Raise a held-back Ctrl-C now."""
        if self.pending:
            self.pending = False
            raise KeyboardInterrupt

    @contextmanager
    def deliverable(self) -> Iterator[None]:
        """A block that a Ctrl-C may interrupt right away (a blocking wait, a step's code)."""
        self.check()
        self._deliver_now = True
        try:
            yield
        finally:
            self._deliver_now = False


_local = threading.local()


def current_interrupts() -> HeldInterrupts:
    """The handler of the run in progress in this thread (an inactive one outside runs)."""
    held: HeldInterrupts | None = getattr(_local, "held", None)
    return held if held is not None else HeldInterrupts(active=False)


@contextmanager
def held_interrupts() -> Iterator[HeldInterrupts]:
    """Hold Ctrl-C back for the block, except in its `deliverable()` parts; nests."""
    outer: HeldInterrupts | None = getattr(_local, "held", None)
    if outer is not None:
        yield outer
        return
    active = (
        threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGINT) is signal.default_int_handler
    )
    held = HeldInterrupts(active)
    previous = signal.signal(signal.SIGINT, held.handle) if active else None
    # A process that ignores SIGINT still stops when a stop request arrives with a heartbeat.
    deaf = threading.current_thread() is threading.main_thread() and (
        signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    )
    fallback = set_sigint_ignored_fallback(held.request) if deaf else None
    _local.held = held
    try:
        yield held
    finally:
        _local.held = None
        if active:
            signal.signal(signal.SIGINT, previous)
        if deaf:
            set_sigint_ignored_fallback(fallback)
    held.check()  # reached only without an exception in flight
