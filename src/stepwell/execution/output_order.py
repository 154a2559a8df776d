"""Keep a step's Python-level output in the order the step wrote it, across stdout and stderr.

Part of launch (`step_logs`): fds 1 and 2 point into two pipes that one thread reads
(`fd_capture`), and that thread cannot tell which pipe was written first. So, while a step
is captured, `sys.stdout` and `sys.stderr` are `PumpedStream`s: each line still goes to the
stream it always went to (and so through its fd into its pipe), and then the writing thread
itself passes on what the pipes hold (`fd_capture.pump`). Log records get the same: the
handler that puts them in the step's log writes to the pumped `sys.stderr`; a handler the
user put on the root logger writes to a captured fd and `PumpAfterRecord` pumps after it;
one that does not (a log file) gets the record in the step's log through
`PumpedLogHandler`, after what the pipes held.
"""

from __future__ import annotations

import logging
from typing import IO, Any

from stepwell.execution.fd_capture import pump


class PumpedStream:
    """A Python stream writing to captured fd 1 or 2, made to pass its lines on at once.

    Everything but `write` and `writelines` is the original stream's (`flush`, `fileno`,
    `buffer`, `encoding`, `isatty`, ...), so code that inspects `sys.stdout` sees what it
    would without capture. A line left unfinished needs no pump: the reader thread echoes
    it once its pipe goes quiet, and the next pump (after a line on either stream) passes
    it on ahead of that line.
    """

    def __init__(self, original: IO[str], fd: int) -> None:
        self._original = original
        self._fd = fd

    def write(self, text: str) -> int:
        written = self._original.write(text)
        if "\n" in text:  # a line has just reached the pipe (`print` is done)
            pump(self._fd)
        return written

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._original, name)

    def __iter__(self) -> Any:
        return iter(self._original)

    def __repr__(self) -> str:
        return repr(self._original)


class PumpAfterRecord(logging.Handler):
    """The last handler on the root logger: once a record has been written by the handlers
    before it (to a captured fd), pass it on before the step writes anything else."""

    def emit(self, record: logging.LogRecord) -> None:
        pump(2)


class PumpedLogHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes records straight into the step's log file, after passing on what the pipes
    hold (what the step printed before the record)."""

    def emit(self, record: logging.LogRecord) -> None:
        pump()
        super().emit(record)
