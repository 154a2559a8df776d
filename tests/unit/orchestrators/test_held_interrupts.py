"""Ctrl-C during a run is held back to safe points, and never lost (no processes, no store)."""

import signal
import threading

import pytest

from stepwell.orchestrators.interrupts import current_interrupts, held_interrupts


def ctrl_c():
    signal.raise_signal(signal.SIGINT)


def test_ctrl_c_outside_deliverable_blocks_is_held_until_checked():
    with pytest.raises(KeyboardInterrupt), held_interrupts() as held:
        ctrl_c()  # e.g. while a step's end is being recorded
        assert held.pending
        with pytest.raises(KeyboardInterrupt):
            held.check()
        assert not held.pending
        raise KeyboardInterrupt  # what the run loop does next


def test_ctrl_c_inside_a_deliverable_block_raises_at_once():
    reached_end = False
    with held_interrupts() as held:
        with pytest.raises(KeyboardInterrupt), held.deliverable():
            ctrl_c()
            reached_end = True
        assert not held.pending
    assert not reached_end


def test_a_held_ctrl_c_is_raised_on_entering_a_deliverable_block():
    with held_interrupts() as held:
        ctrl_c()
        with pytest.raises(KeyboardInterrupt), held.deliverable():
            pytest.fail("the block must not start")


def test_a_ctrl_c_still_held_at_the_end_is_raised_there():
    finished_block = False
    with pytest.raises(KeyboardInterrupt):
        with held_interrupts():
            ctrl_c()
            finished_block = True
    assert finished_block


def test_blocks_nest_and_the_default_handler_comes_back():
    with held_interrupts() as outer:
        with held_interrupts() as inner:
            assert inner is outer
            assert current_interrupts() is outer
        assert signal.getsignal(signal.SIGINT) == outer.handle
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert not current_interrupts().active


def test_a_programs_own_sigint_handler_is_left_alone():
    calls = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: calls.append(signum))
    try:
        with held_interrupts() as held:
            assert not held.active
            ctrl_c()
            assert not held.pending
    finally:
        signal.signal(signal.SIGINT, previous)
    assert calls == [signal.SIGINT]


def test_outside_the_main_thread_nothing_is_installed():
    seen = {}

    def run():
        with held_interrupts() as held:
            seen["active"] = held.active

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert seen == {"active": False}
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
