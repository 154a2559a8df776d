"""A pump passes on what the two output pipes hold in the order that keeps a thread's lines in
the order it wrote them: the pipe it wrote to last goes last. Tested on the reader's work
over pipes of its own, without touching this process's fds 1 and 2."""

import fcntl
import io
import os
import sys
import threading
import time

import pytest

from stepwell.execution.fd_redirect import _Reader
from stepwell.execution.output_order import PumpedStream


@pytest.fixture
def reader():
    """A reader over two fresh pipes standing for fds 1 and 2, echoing to /dev/null; its
    sink records (stream, bytes) in the order chunks are passed on."""
    pipes = {fd: os.pipe() for fd in (1, 2)}
    originals = {fd: os.open(os.devnull, os.O_WRONLY) for fd in (1, 2)}
    work = _Reader({read_end: fd for fd, (read_end, _) in pipes.items()}, originals)
    passed_on: list[bytes] = []
    work.sink = passed_on.append
    writers = {fd: write_end for fd, (_, write_end) in pipes.items()}
    yield work, writers, passed_on
    for descriptor in (
        *writers.values(),
        *(read_end for read_end, _ in pipes.values()),
        *originals.values(),
        work.wake_read,
        work.wake_write,
    ):
        os.close(descriptor)


def test_a_pump_passes_on_the_other_pipe_first(reader):
    work, writers, passed_on = reader
    os.write(writers[1], b"printed first\n")
    os.write(writers[2], b"logged second\n")
    work.pump(last=2)
    assert passed_on == [b"printed first\n", b"logged second\n"]


def test_the_pipe_written_last_comes_last_whichever_it_is(reader):
    work, writers, passed_on = reader
    os.write(writers[2], b"logged first\n")
    os.write(writers[1], b"printed second\n")
    work.pump(last=1)
    assert passed_on == [b"logged first\n", b"printed second\n"]


def test_a_pump_with_nothing_in_the_pipes_passes_nothing_on(reader):
    work, _, passed_on = reader
    work.pump(last=1)
    assert passed_on == []


@pytest.mark.skipif(not hasattr(fcntl, "F_SETPIPE_SZ"), reason="pipe size is fixed here")
def test_a_pump_drains_more_than_one_chunk(reader):
    work, writers, passed_on = reader
    fcntl.fcntl(writers[1], fcntl.F_SETPIPE_SZ, 1 << 20)
    line = b"x" * 99 + b"\n"
    for _ in range(1000):  # 100 kB: more than one read, less than the pipe now holds
        os.write(writers[1], line)
    work.pump(last=1)
    assert b"".join(passed_on) == line * 1000


def test_a_pump_after_the_reader_ended_does_nothing(reader):
    work, writers, passed_on = reader
    work.closed = True
    os.write(writers[1], b"after the end\n")
    work.pump(last=1)
    assert passed_on == []


def test_an_unfinished_line_left_by_a_pump_reaches_the_terminal_once_quiet():
    read_end, write_end = os.pipe()
    other_read, other_write = os.pipe()
    terminal_read, terminal = os.pipe()
    os.set_blocking(terminal_read, False)
    devnull = os.open(os.devnull, os.O_WRONLY)
    work = _Reader({read_end: 1, other_read: 2}, {1: terminal, 2: devnull})
    thread = threading.Thread(target=work.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not work.asleep and time.monotonic() < deadline:  # waiting with no timeout
        time.sleep(0.001)
    os.write(write_end, b"progress ")
    work.pump(last=1)
    shown = b""
    while not shown and time.monotonic() < deadline:
        try:
            shown = os.read(terminal_read, 100)
        except BlockingIOError:
            time.sleep(0.01)
    os.close(write_end)
    os.close(other_write)
    thread.join(10)
    os.close(terminal_read)
    assert shown == b"progress "


def test_a_pumped_stream_is_the_original_for_everything_but_writing():
    original = io.TextIOWrapper(io.BytesIO(), encoding="latin-1", line_buffering=True)
    stream = PumpedStream(original, 1)
    stream.write("a line\n")
    stream.writelines(["two ", "more\n"])
    assert original.buffer.getvalue() == b"a line\ntwo more\n"
    assert stream.encoding == "latin-1"
    assert stream.buffer is original.buffer
    assert stream.line_buffering is True
    assert repr(stream) == repr(original)
    assert PumpedStream(sys.__stdout__, 1).fileno() == sys.__stdout__.fileno()
