"""`closed_output`: a standard fd whose reader went away is silenced, with its twin only if
that is the same pipe. The fds are swapped for test pipes and put back afterwards."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from stepwell.utils import closed_output


@pytest.fixture
def standard_fds() -> Iterator[None]:
    """Save fds 1 and 2 (and the module's state) and put them back after the test."""
    saved = {fd: os.dup(fd) for fd in closed_output.STANDARD_FDS}
    closed_output.forget()
    try:
        yield
    finally:
        for fd, copy in saved.items():
            os.dup2(copy, fd)
            os.close(copy)
        closed_output.forget()


def _closed_pipe() -> int:
    read_end, write_end = os.pipe()
    os.close(read_end)
    return write_end


def _writes(fd: int) -> bool:
    try:
        os.write(fd, b"")
        os.write(fd, b"x")
    except BrokenPipeError:
        return False
    return True


def test_a_silenced_fd_takes_writes_and_the_fact_is_remembered(standard_fds):
    pipe = _closed_pipe()
    os.dup2(pipe, 2)
    assert not _writes(2)
    closed_output.reader_gone(2)
    assert _writes(2)
    assert closed_output.any_reader_gone()


def test_the_other_fd_is_silenced_only_when_it_is_the_same_pipe(standard_fds):
    closed = _closed_pipe()
    read_end, open_pipe = os.pipe()
    os.dup2(closed, 2)
    os.dup2(open_pipe, 1)
    closed_output.reader_gone(2)
    os.write(1, b"kept")
    assert os.read(read_end, 10) == b"kept"  # fd 1 still reaches its reader

    os.dup2(closed, 1)  # now `2>&1`: both are the closed pipe
    os.dup2(closed, 2)
    closed_output.reader_gone(2)
    assert _writes(1) and _writes(2)


def test_keep_silenced_catches_a_copy_put_back_but_not_another_pipe(standard_fds):
    closed = _closed_pipe()
    read_end, open_pipe = os.pipe()
    os.dup2(closed, 2)
    closed_output.reader_gone(2)
    os.dup2(closed, 2)  # a copy saved before the pipe closed comes back
    os.dup2(open_pipe, 1)
    closed_output.keep_silenced()
    assert _writes(2)
    os.write(1, b"kept")
    assert os.read(read_end, 10) == b"kept"


def test_an_fd_that_is_no_standard_stream_is_left_alone(standard_fds):
    pipe = _closed_pipe()
    closed_output.reader_gone(pipe)
    closed_output.reader_gone(None)
    assert not _writes(pipe)
    assert not closed_output.any_reader_gone()


def test_keeping_going_is_scoped():
    assert closed_output.should_stop()
    with closed_output.keeping_going():
        assert not closed_output.should_stop()
    assert closed_output.should_stop()
