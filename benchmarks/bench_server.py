"""The cost of going through a stepwell server instead of a local store.

    python benchmarks/bench_server.py [--runs 5] [--lookups 300]

Starts a real server (`python -m stepwell.server`, SQLite store, loopback) in a temporary
home, makes a service account and an API key, then measures, in fresh client processes:

- `get_pipeline_run` over REST: median of `--lookups` calls of `Client().get_pipeline_run`
  (target <= 5 ms);
- per-step overhead of a 20-step chain (caching off) through the server and against a
  local SQLite store in the same way: median run wall time / 20 over `--runs` runs after a
  warm-up, and their ratio (target <= 3x).

Prints one JSON object. Needs the `server` extra.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CLIENT = r"""
import json, statistics, sys, time
from stepwell import pipeline, step
from stepwell.client import Client

@step(enable_cache=False)
def inc(x: int) -> int:
    return x + 1

@pipeline
def chain():
    x = 0
    for _ in range(20):
        x = inc(x)

runs, lookups = int(sys.argv[1]), int(sys.argv[2])
chain()
times = []
for _ in range(runs):
    started = time.perf_counter()
    run = chain()
    times.append(time.perf_counter() - started)
client = Client()
latencies = []
for _ in range(lookups):
    started = time.perf_counter()
    client.get_pipeline_run(run.id)
    latencies.append(time.perf_counter() - started)
print(json.dumps({
    "per_step_ms": statistics.median(times) / 20 * 1000,
    "get_pipeline_run_ms": statistics.median(latencies) * 1000,
}))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(url: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"The server at {url} did not answer /health in {seconds} s.")


def _client(env: dict[str, str], runs: int, lookups: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CLIENT, str(runs), str(lookups)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lookups", type=int, default=300)
    options = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="stepwell-bench-server-"))
    base = {**os.environ, "STEPWELL_LOGGING_VERBOSITY": "WARNING"}
    for name in ("STEPWELL_STORE_URL", "STEPWELL_SERVER_URL", "STEPWELL_API_KEY"):
        base.pop(name, None)
    server_home = root / "server-home"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "stepwell.server", "--port", str(port)],
        env={**base, "STEPWELL_HOME": str(server_home), "STEPWELL_SERVER_SCHEDULE_TICK": "0"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(url)
        from stepwell.store.sql.store import SqlStore

        store = SqlStore(f"sqlite:///{server_home / 'stepwell.db'}")
        store.create_user(name="bench", role="member", is_service_account=True)
        key = store.create_api_key(user="bench", name="bench").key or ""
        remote_env = {
            **base,
            "STEPWELL_HOME": str(root / "client-home"),
            "STEPWELL_SERVER_URL": url,
            "STEPWELL_API_KEY": key,
        }
        local_env = {**base, "STEPWELL_HOME": str(root / "local-home")}
        remote = _client(remote_env, options.runs, options.lookups)
        local = _client(local_env, options.runs, options.lookups)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        json.dumps(
            {
                "get_pipeline_run_rest_ms": round(remote["get_pipeline_run_ms"], 2),
                "get_pipeline_run_local_ms": round(local["get_pipeline_run_ms"], 3),
                "per_step_rest_ms": round(remote["per_step_ms"], 2),
                "per_step_local_ms": round(local["per_step_ms"], 2),
                "ratio": round(remote["per_step_ms"] / local["per_step_ms"], 2),
                "cpus": os.cpu_count(),
            }
        )
    )


if __name__ == "__main__":
    main()
