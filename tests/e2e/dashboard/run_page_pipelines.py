"""Pipelines the run-page tests record through a real server (run as a script, with the
server's address and a member's API key in the environment; `python run_page_pipelines.py
record` records the fixed runs, `python run_page_pipelines.py wait <flag file>` makes one
run that waits for the flag file to appear).

- `mapped_pipeline` (dynamic): `square` mapped over six numbers; the one for 3 fails.
- `tuned_pipeline`: run with lr=0.1, then lr=0.2: the second run reuses `load_table` from
  the cache and re-runs `train`, whose parameter changed.
- `waiting_pipeline`: `start`, then `wait_for_flag` (until the flag file exists), then
  `finish`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from stepwell import pipeline, step

MAPPED_ELEMENTS = 6
FAILING_ELEMENT = 3


@step
def numbers() -> list[int]:
    return list(range(MAPPED_ELEMENTS))


@step
def square(x: int) -> int:
    if x == FAILING_ELEMENT:
        raise ValueError(f"square refuses {x} on purpose")
    return x * x


@pipeline(dynamic=True, enable_cache=False)
def mapped_pipeline() -> None:
    square.map(x=numbers())


@step
def load_table() -> list[int]:
    return [1, 2, 3]


@step
def train(table: list[int], lr: float) -> float:
    return sum(table) * lr


@pipeline(enable_cache=True)
def tuned_pipeline(lr: float) -> None:
    train(load_table(), lr=lr)


@step
def start() -> int:
    return 1


@step
def wait_for_flag(value: int, flag: str) -> int:
    deadline = time.monotonic() + 120
    while not Path(flag).exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"the flag file {flag} never appeared")
        time.sleep(0.1)
    return value + 1


@step
def finish(value: int) -> int:
    return value * 10


@pipeline(enable_cache=False)
def waiting_pipeline(flag: str) -> None:
    finish(wait_for_flag(start(), flag=flag))


if __name__ == "__main__":
    if sys.argv[1:2] == ["wait"]:
        waiting_pipeline(flag=sys.argv[2])
    else:
        try:
            mapped_pipeline()
        except Exception as error:  # the failing element is the point
            print(f"mapped_pipeline failed as planned: {error}", file=sys.stderr)
        tuned_pipeline(lr=0.1)
        tuned_pipeline(lr=0.2)
