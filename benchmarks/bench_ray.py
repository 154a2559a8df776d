"""The ray orchestrator on a local two-node Ray cluster (1 CPU per node, 2 CPUs in all).

Run: `.venv/bin/python benchmarks/bench_ray.py [--runs 5]` (needs the `ray` extra; prints
JSON). Measures the median per-step overhead of a 20-step chain of trivial steps, caching
off (run wall time / 20, after a warm-up run; target <= 15 ms), and the median wall time of
a run of 32 independent steps that each sleep 0.5 s (target <= 8.6 s: 16 rounds of 0.5 s on
2 CPUs, plus 8 %). Metadata in SQLite and artifacts in a local folder, in a fresh temporary
STEPWELL_HOME (the nodes share this host, so the folder is reachable from both); Ray keeps
its files in a private temporary folder and the cluster is shut down at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ["STEPWELL_HOME"] = tempfile.mkdtemp(prefix="stepwell-bench-ray-")
    os.environ.setdefault("STEPWELL_LOGGING_VERBOSITY", "WARNING")
    ray_folder = tempfile.mkdtemp(prefix="swray-")  # socket paths must be short
    os.environ.update(
        RAY_TMPDIR=ray_folder,
        RAY_AUTH_MODE="disabled",
        RAY_USAGE_STATS_ENABLED="0",
        RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER="0",
    )
    import ray
    from ray.cluster_utils import Cluster

    from stepwell import pipeline, step
    from stepwell.client import Client

    node = {"num_cpus": 1, "object_store_memory": 100 * 2**20}
    cluster = Cluster(initialize_head=True, head_node_args={**node, "include_dashboard": False})
    try:
        cluster.add_node(**node)
        cluster.wait_for_nodes()
        client = Client()
        client.create_stack_component(
            "bench_ray", "ray", "orchestrator", {"address": cluster.address}
        )
        client.create_stack("bench", {"orchestrator": "bench_ray", "artifact_store": "default"})
        client.activate_stack("bench")

        @step(enable_cache=False)
        def increment(x: int) -> int:
            return x + 1

        @step(enable_cache=False)
        def nap(i: int) -> int:
            time.sleep(0.5)
            return i

        @pipeline(enable_cache=False)
        def chain():
            x = increment(0)
            for _ in range(19):
                x = increment(x)

        @pipeline(enable_cache=False)
        def fan_out():
            for i in range(32):
                nap(i, id=f"nap_{i}")

        def timed(run) -> float:
            start = time.perf_counter()
            run()
            return time.perf_counter() - start

        timed(chain)  # warm-up: connect, start worker processes, ship the code
        per_step = [timed(chain) / 20 for _ in range(args.runs)]
        fan = [timed(fan_out) for _ in range(max(1, args.runs // 2))]
        print(
            json.dumps(
                {
                    "chain_per_step_ms": round(statistics.median(per_step) * 1000, 2),
                    "chain_runs_ms": [round(v * 1000, 2) for v in per_step],
                    "fanout_32x0.5s_s": round(statistics.median(fan), 3),
                    "fanout_runs_s": [round(v, 3) for v in fan],
                },
                indent=2,
            )
        )
    finally:
        ray.shutdown()
        cluster.shutdown()
        shutil.rmtree(ray_folder, ignore_errors=True)


if __name__ == "__main__":
    main()
