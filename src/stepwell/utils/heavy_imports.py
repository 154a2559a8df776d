"""Loading stepwell's heavy modules without paying the cycle collector for them.

Loading the store, the configuration models or the command line makes some hundred thousand
long-lived objects (SQLAlchemy's and pydantic's classes, tables and schemas). CPython's cycle
collector walks them several times while they load, and again in every young collection
after, finding nothing to free: module-level objects live as long as the process.

`collector_paused()` stops the collector while such modules load and then moves everything
alive straight to the oldest generation, which only the rare full collections walk.
Collections resume afterwards with nothing lost: all of it stays collectable, and garbage
made meanwhile is found by the next full collection.

(Freezing objects at exit would skip the interpreter's teardown too, but it also skips the
`__del__` of a user's objects and the flush of files a script left open: only the command
line does it, where it can tell that no user code was loaded: `stepwell.cli.quick_exit`.)
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from stepwell.utils.fork_locks import fork_safe_lock

_lock = fork_safe_lock(sys.modules[__name__], "_lock")
_pauses = 0
_resume = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Stop the cycle collector for the block (nested and concurrent uses are counted: it
    resumes when the last one ends, and only if it was running before the first)."""
    global _pauses, _resume
    with _lock:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0:
                _promote_to_oldest_generation()
                if _resume:
                    gc.enable()


def _promote_to_oldest_generation() -> None:
    # What was loaded lives as long as the process: moved straight to the oldest generation,
    # the young collections that follow do not walk it (freeze, then unfreeze, does that
    # move without walking anything; all of it stays collectable). Not where the program
    # froze objects itself (before forking workers, say): unfreezing would undo that.
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


def _resume_in_child() -> None:
    # A fork made while another thread held a pause: that thread does not exist in the child.
    global _pauses
    if _pauses:
        _pauses = 0
        if _resume:
            gc.enable()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_resume_in_child)
