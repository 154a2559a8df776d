"""`stepwell server stop` sees a server that has exited as gone at once, even while the
process that reaps it (init, for a server an earlier command started) has not yet done so."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from stepwell.server import process

# A parent that starts a short-lived child, prints its pid and never reaps it: the child
# stays a zombie of a process that is not ours, as a stopped server does until init reaps it.
_PARENT = (
    "import subprocess, sys, time\n"
    "child = subprocess.Popen([sys.executable, '-c', 'pass'])\n"
    "print(child.pid, flush=True)\n"
    "time.sleep(60)\n"
)


def _state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]


def test_an_exited_process_that_is_not_yet_reaped_is_not_alive():
    with subprocess.Popen(
        [sys.executable, "-c", _PARENT], stdout=subprocess.PIPE, text=True
    ) as parent:
        try:
            assert parent.stdout is not None
            pid = int(parent.stdout.readline())
            deadline = time.monotonic() + 30
            while _state(pid) != "Z":
                assert time.monotonic() < deadline, "the child did not exit"
                time.sleep(0.01)

            assert process.is_alive(pid) is False
        finally:
            parent.kill()


def test_a_running_process_is_alive():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert process.is_alive(child.pid) is True
    finally:
        child.kill()
        child.wait()
