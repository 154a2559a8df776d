"""Dynamic pipelines: map over 8 one-second sleeps, and per-element overhead of a big map.

Run: `.venv/bin/python benchmarks/bench_dynamic.py [--elements 1000] [--runs 3]` (prints JSON).
Targets (issue): the 8 x 1 s map's run under 1.5 s wall time; under 10 ms per element for a
map over 1,000 trivial elements. Each run uses a fresh temporary STEPWELL_HOME.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--elements", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ["STEPWELL_HOME"] = tempfile.mkdtemp(prefix="stepwell-bench-dynamic-")
    os.environ.setdefault("STEPWELL_LOGGING_VERBOSITY", "WARNING")

    from stepwell import pipeline, step

    @step
    def items(n: int) -> list:
        return list(range(n))

    @step(enable_cache=False)
    def sleepy(x: int) -> int:
        time.sleep(1)
        return x

    @step(enable_cache=False)
    def trivial(x: int) -> int:
        return x + 1

    @pipeline(dynamic=True, enable_cache=False)
    def sleep_map():
        sleepy.map(x=items(8))

    @pipeline(dynamic=True, enable_cache=False)
    def big_map(n: int):
        trivial.map(x=items(n))

    def timed(run):
        start = time.perf_counter()
        record = run()
        call = time.perf_counter() - start
        return call, record.duration

    sleep_map()  # warm-up
    sleeps = [timed(sleep_map) for _ in range(args.runs)]
    bigs = [timed(lambda: big_map(args.elements)) for _ in range(args.runs)]
    print(
        json.dumps(
            {
                "map_8x1s_run_s": round(statistics.median(r for _, r in sleeps), 3),
                "map_8x1s_call_s": round(statistics.median(c for c, _ in sleeps), 3),
                "elements": args.elements,
                "per_element_ms": round(
                    1000 * statistics.median(r for _, r in bigs) / args.elements, 2
                ),
            }
        )
    )


if __name__ == "__main__":
    main()
