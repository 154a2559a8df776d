"""Small pipelines for the CLI tests, run with `stepwell run <this file>:<pipeline>`."""

import os
import time

from stepwell import pipeline, step


@step
def make_number(value: int = 3) -> int:
    print(f"making {value}")
    return value


@step
def scale(number: int, factor: float = 1.0) -> float:
    print(f"scaling {number} by {factor}")
    return number * factor


@pipeline
def arithmetic(value: int = 3, factor: float = 1.0):
    scale(make_number(value), factor)


@step(enable_cache=False)
def explode() -> int:
    print("about to fail")
    raise RuntimeError("the explode step always fails")


@pipeline
def failing():
    explode()


@step(enable_cache=False)
def wait_for_file(flag_file: str) -> int:
    """Prints, then waits (up to 30 s) until the test creates `flag_file`."""
    print("waiting for the flag", flush=True)
    deadline = time.monotonic() + 30
    while not os.path.exists(flag_file) and time.monotonic() < deadline:
        time.sleep(0.02)
    print("flag seen", flush=True)
    return 1


@pipeline
def waiting(flag_file: str):
    wait_for_file(flag_file=flag_file)


@pipeline(settings={"orchestrator": {"synchronous": False}})
def in_background(flag_file: str):
    wait_for_file(flag_file=flag_file)


not_a_pipeline = 42


def plain_function() -> None:
    """A function without @pipeline."""
