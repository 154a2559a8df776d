"""The scheduler's cost per step as a dynamic run grows (pure: no store, no processes).

Run: `.venv/bin/python benchmarks/bench_scheduler.py [--sizes 1000,4000,16000]` (prints JSON).

A root step succeeds, then N steps that depend on it are added one by one (as `step.map`
does in a dynamic pipeline) and finished eight at a time (`max_parallelism=8`). The cost per
step should not grow with N.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path

if importlib.util.find_spec("stepwell") is None:  # running from a checkout without install
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from stepwell.execution.scheduler import Scheduler


def microseconds_per_step(size: int) -> float:
    scheduler = Scheduler({"root": ()}, max_parallelism=8)
    scheduler.start()
    start = time.perf_counter()
    scheduler.succeeded("root")
    for index in range(size):
        scheduler.add_step(f"element:{index}", ["root"])
    while not scheduler.is_finished:
        for step in scheduler.running:
            scheduler.succeeded(step)
    return (time.perf_counter() - start) / size * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,4000,16000")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    results = {f"us_per_step_at_{size}": round(microseconds_per_step(size), 1) for size in sizes}
    print(json.dumps(results))


if __name__ == "__main__":
    main()
