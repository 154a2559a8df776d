"""A lock another thread holds when the process forks is free in the child, so a worker or a
background run forked at that moment does not hang on it."""

import os
import sys
import threading

import pytest

from stepwell.utils.fork_locks import fork_safe_lock


class Holder:
    pass


def held_elsewhere(lock):
    """Hold `lock` in another thread until the returned event is set."""
    taken, release = threading.Event(), threading.Event()

    def hold():
        with lock:
            taken.set()
            release.wait(30)

    threading.Thread(target=hold, daemon=True).start()
    assert taken.wait(10)
    return release


def child_can_take(get_lock) -> bool:
    pid = os.fork()
    if pid == 0:
        os._exit(0 if get_lock().acquire(timeout=2) else 1)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


@pytest.mark.parametrize("reentrant", [False, True])
def test_an_objects_lock_held_at_fork_is_free_in_the_child(reentrant):
    holder = Holder()
    lock = fork_safe_lock(holder, "_lock", reentrant=reentrant)
    release = held_elsewhere(lock)
    try:
        assert child_can_take(lambda: holder._lock)
        assert not lock.acquire(timeout=0.05)  # the parent's is still held
    finally:
        release.set()


def test_stepwells_own_locks_are_free_in_a_child_forked_while_they_are_held():
    from stepwell.execution import fd_capture
    from stepwell.materializers.registry import materializer_registry

    releases = [held_elsewhere(fd_capture._claim), held_elsewhere(materializer_registry._lock)]
    try:
        assert child_can_take(lambda: sys.modules["stepwell.execution.fd_capture"]._claim)
        assert child_can_take(lambda: materializer_registry._lock)
    finally:
        for release in releases:
            release.set()
