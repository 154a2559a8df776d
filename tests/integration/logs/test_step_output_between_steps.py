"""A worker keeps its output capture between the steps it runs: each step's log still holds
exactly what that step wrote, the unflushed and unfinished last line included."""

import ctypes
import os
import re
import subprocess

from stepwell import pipeline, step

STEPS = 4


@step(enable_cache=False)
def writes_its_number(previous: int) -> int:
    number = previous + 1
    subprocess.run(["echo", f"subprocess of step {number}"], check=True)
    print(f"print of step {number}")
    os.write(2, f"fd 2 of step {number}\n".encode())
    # C's buffer is not flushed and the line is not finished: the step's end must get it.
    pipe = os.fstat(1).st_ino
    ctypes.CDLL(None).printf(f"unfinished C line of step {number} in {os.getpid()}:{pipe}".encode())
    return number


@step(enable_cache=False)
def points_fd_1_elsewhere() -> int:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    os.write(1, b"lost on purpose\n")
    return 0


@step(enable_cache=False)
def writes_after(previous: int) -> None:
    os.write(1, b"written by the next step\n")


@pipeline(enable_cache=False)
def numbered_chain():
    value = 0
    for _ in range(STEPS):
        value = writes_its_number(value)


@pipeline(enable_cache=False)
def redirecting_chain():
    writes_after(points_fd_1_elsewhere())


def test_each_step_of_a_worker_gets_its_own_output_only():
    run = numbered_chain()
    ids = ["writes_its_number"] + [f"writes_its_number_{i}" for i in range(2, STEPS + 1)]
    logs = {number: run.steps[ids[number - 1]].logs for number in range(1, STEPS + 1)}
    pids = set()  # "<pid>:<inode of the pipe fd 1 pointed into>" of each step
    for number, text in logs.items():
        assert f"subprocess of step {number}\n" in text
        assert f"print of step {number}\n" in text
        assert f"fd 2 of step {number}\n" in text
        assert f"unfinished C line of step {number} in " in text
        # fd 1 and fd 2 are read from two pipes, so fd 2's line may follow the unfinished one.
        pids.add(re.search(rf"unfinished C line of step {number} in (\d+:\d+)", text)[1])
        others = [n for n in logs if n != number]
        assert not any(f"of step {other}" in text for other in others)
        assert "\0" not in text  # the barrier's markers never reach a log
    # One worker ran them all, writing into the same pipe: its capture was kept between steps.
    assert len(pids) == 1


def test_a_step_that_moves_fd_1_does_not_hide_the_next_steps_output():
    run = redirecting_chain()
    assert "written by the next step" in run.steps["writes_after"].logs
