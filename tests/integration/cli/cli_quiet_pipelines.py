"""Pipelines whose steps write little or nothing, for the `runs logs` and duration tests,
run with `stepwell run <this file>:<pipeline>`."""

import os
import time

from stepwell import pipeline, step


@step(enable_cache=False)
def silent() -> int:
    return 1


@step(enable_cache=False)
def chatty(number: int) -> int:
    print(f"chatty got {number}")
    return number


@pipeline
def silent_then_chatty():
    chatty(silent())


@step(enable_cache=False)
def fails_loudly() -> int:
    raise RuntimeError("this step always fails")


@step(enable_cache=False)
def never_reached(number: int) -> int:
    print("never printed")
    return number


@pipeline
def fails_then_skips():
    never_reached(fails_loudly())


@step(enable_cache=False, enable_step_logs=False)
def unlogged() -> int:
    print("printed where no log keeps it")
    return 1


@step(enable_cache=False, enable_step_logs=False)
def unlogged_failure() -> int:
    raise ValueError("no log keeps this")


@pipeline
def without_logs():
    unlogged()
    unlogged_failure()


@step(enable_cache=False)
def waits_silently(flag_file: str) -> int:
    """Waits (up to 30 s) until the test creates `flag_file`, printing nothing."""
    deadline = time.monotonic() + 30
    while not os.path.exists(flag_file) and time.monotonic() < deadline:
        time.sleep(0.02)
    return 1


@pipeline(settings={"orchestrator": {"synchronous": False}})
def silent_in_background(flag_file: str):
    waits_silently(flag_file=flag_file)


@step
def cacheable(number: int = 2) -> int:
    time.sleep(0.05)  # long enough that a clock started elsewhere shows a different time
    return number * 2


@pipeline
def timed(number: int = 2):
    cacheable(number)
