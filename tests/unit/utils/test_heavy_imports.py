"""The cycle collector is paused while heavy modules load, and always resumes as it was."""

from __future__ import annotations

import gc
import weakref

import pytest

from stepwell.utils.heavy_imports import collector_paused


@pytest.fixture(autouse=True)
def _collector_restored():
    enabled = gc.isenabled()
    yield
    if enabled:
        gc.enable()
    else:
        gc.disable()


def test_the_collector_is_off_inside_and_back_on_after():
    gc.enable()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still holds
    assert gc.isenabled()


def test_a_collector_turned_off_by_the_program_stays_off():
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_an_error_in_the_block_still_resumes_the_collector():
    gc.enable()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("import failed")
    assert gc.isenabled()


def test_what_loaded_during_a_pause_stays_collectable():
    class Node:
        pass

    gc.enable()
    with collector_paused():
        node = Node()
        node.itself = node  # a cycle, garbage once the name goes
        alive = weakref.ref(node)
        del node
    assert alive() is not None  # nothing collected it meanwhile
    gc.collect()
    assert alive() is None  # found and freed, not frozen away


def test_objects_the_program_froze_stay_frozen():
    gc.enable()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collector_paused():
            pass
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
