"""Locks that a forked child gets fresh (layer: utils).

`os.fork()` copies a lock in whatever state it is in. If another thread of the parent held
one of stepwell's locks at that moment (a registry being filled, an output capture being
claimed), the child, where that thread does not exist, would wait on it forever: a worker
or a background run hanging at its first step. Each lock made here is replaced by a new,
unlocked one in every forked child, as the standard library does for its own.
"""

from __future__ import annotations

import os
import threading
import weakref
from typing import Any

_HOLDERS: list[tuple[weakref.ref[Any] | Any, str, bool]] = []


def fork_safe_lock(holder: Any, attribute: str, *, reentrant: bool = False) -> Any:
    """A new lock for `holder.attribute` (a module or an object), renewed in forked children.

    Objects are held weakly; modules, which live as long as the process, strongly.
    """
    lock = threading.RLock() if reentrant else threading.Lock()
    setattr(holder, attribute, lock)
    reference = holder if isinstance(holder, type(os)) else weakref.ref(holder)
    _HOLDERS.append((reference, attribute, reentrant))
    return lock


def _renew_in_child() -> None:
    alive = []
    for reference, attribute, reentrant in _HOLDERS:
        holder = reference() if isinstance(reference, weakref.ref) else reference
        if holder is None:
            continue
        setattr(holder, attribute, threading.RLock() if reentrant else threading.Lock())
        alive.append((reference, attribute, reentrant))
    _HOLDERS[:] = alive


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_renew_in_child)
