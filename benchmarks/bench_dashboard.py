"""How fast the dashboard's runs page and run page load, in a real browser.

    .venv/bin/python benchmarks/bench_dashboard.py [--loads 9] [--runs 10000] [--steps 500]

Needs the `server` extra, Playwright for Python and Debian's chromium (`/usr/bin/chromium`,
or `STEPWELL_TEST_CHROMIUM`). In a temporary `STEPWELL_HOME` it:

1. records real runs on the embedded SQLite store: one run of a `--steps`-step pipeline
   (20 sources, then layers of 20 steps that each read two outputs of the layer above, with
   some `after=` edges), and a 5-step pipeline twice (the second run all cache hits);
2. copies the 5-step runs' rows (runs and step runs) until the store holds `--runs` runs;
3. starts a real server (`python -m stepwell.server`) on that store and logs a browser in;
4. loads `#/runs` and the big run's `#/runs/<id>` `--loads` times each (a fresh page each
   time, after one warm-up) and reads, from the page's own performance timeline:
   - `total`: from navigation start until the list or the DAG is drawn and laid out (the
     pages mark `stepwell:runs-drawn` and `stepwell:dag-drawn`): server time plus browser
     work, the figure the target (< 300 ms) is about;
   - `api`: the summed time to first byte of the page's `/api/v1` calls (server time).

Prints one JSON object with the medians (and every load's total).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

FILL = r"""
import sys
from stepwell import pipeline, step

STEPS = int(sys.argv[1])
WIDTH = 20

@step(enable_cache=False)
def source(i: int) -> int:
    return i

@step(enable_cache=False)
def join(a: int, b: int) -> int:
    return a + b

@pipeline(enable_cache=False)
def big_pipeline():
    layer = [source(i, id=f"s_{i}") for i in range(WIDTH)]
    for depth in range(1, STEPS // WIDTH):
        layer = [
            join(
                layer[j],
                layer[(j + 1) % WIDTH],
                id=f"j{depth}_{j}",
                after=f"j{depth - 2}_{j}" if depth > 2 and j % 5 == 0 else None,
            )
            for j in range(WIDTH)
        ]

@step
def inc(x: int) -> int:
    return x + 1

@pipeline(enable_cache=True)
def small_pipeline():
    x = 0
    for _ in range(5):
        x = inc(x)

small_pipeline()
small_pipeline()
print(big_pipeline().id)
"""

PASSWORD = "bench password for the dashboard"


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


def copy_runs(store_url: str, wanted: int) -> int:
    """Copy the small pipeline's runs (rows of runs and step runs) until `wanted` runs exist;
    the copies are older than the real runs, one a minute. Returns the number of runs."""
    from datetime import timedelta
    from uuid import uuid4

    from sqlalchemy import func, select

    from stepwell.store.sql.store import SqlStore
    from stepwell.store.sql.tables import RUNS, STEP_RUNS

    store = SqlStore(store_url)
    engine = store._db.engine
    with engine.begin() as connection:
        have = int(connection.scalar(select(func.count()).select_from(RUNS)) or 0)
        templates = [
            dict(row)
            for row in connection.execute(
                select(RUNS).where(RUNS.c.pipeline_name == "small_pipeline")
            ).mappings()
        ]
        steps = {
            template["id"]: [
                dict(row)
                for row in connection.execute(
                    select(STEP_RUNS).where(STEP_RUNS.c.pipeline_run_id == template["id"])
                ).mappings()
            ]
            for template in templates
        }
        oldest = min(template["created"] for template in templates)
        runs, step_rows = [], []
        for index in range(max(0, wanted - have)):
            template = templates[index % len(templates)]
            shift = timedelta(minutes=index + 1)
            run_id = uuid4()
            runs.append(
                {
                    **template,
                    "id": run_id,
                    "name": f"small_pipeline-copy-{index}",
                    "created": oldest - shift,
                    "updated": oldest - shift,
                    "start_time": oldest - shift,
                    "end_time": oldest - shift + timedelta(seconds=1),
                }
            )
            for row in steps[template["id"]]:
                step_rows.append(
                    {**row, "id": uuid4(), "pipeline_run_id": run_id, "created": oldest - shift}
                )
        if runs:
            connection.execute(RUNS.insert(), runs)
            connection.execute(STEP_RUNS.insert(), step_rows)
        total = int(connection.scalar(select(func.count()).select_from(RUNS)) or 0)
    store.close()
    return total


def measure(page: object, url: str, mark: str, loads: int) -> dict[str, object]:
    """Median total and API time of `loads` fresh loads of `url` (after one warm-up)."""
    totals, apis = [], []
    for attempt in range(loads + 1):
        page.goto("about:blank")  # type: ignore[attr-defined]
        page.goto(url)  # type: ignore[attr-defined]
        page.wait_for_function(  # type: ignore[attr-defined]
            "(mark) => performance.getEntriesByName(mark).length > 0", arg=mark, timeout=60_000
        )
        total, api = page.evaluate(  # type: ignore[attr-defined]
            """(mark) => {
                const drawn = performance.getEntriesByName(mark)[0].startTime;
                const calls = performance.getEntriesByType('resource')
                    .filter((e) => e.name.includes('/api/v1/') && e.startTime < drawn);
                const waited = calls.map((e) => e.responseStart - e.requestStart);
                return [drawn, waited.reduce((sum, ms) => sum + ms, 0)];
            }""",
            mark,
        )
        if attempt:
            totals.append(round(total, 1))
            apis.append(round(api, 1))
    return {
        "total_ms": round(statistics.median(totals), 1),
        "api_ms": round(statistics.median(apis), 1),
        "totals_ms": totals,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--loads", type=int, default=9)
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--steps", type=int, default=500)
    options = parser.parse_args()
    chromium = os.environ.get("STEPWELL_TEST_CHROMIUM", "/usr/bin/chromium")
    root = Path(tempfile.mkdtemp(prefix="stepwell-bench-dashboard-"))
    home = root / "home"
    env = {**os.environ, "STEPWELL_LOGGING_VERBOSITY": "WARNING", "STEPWELL_HOME": str(home)}
    for name in ("STEPWELL_STORE_URL", "STEPWELL_SERVER_URL", "STEPWELL_API_KEY"):
        env.pop(name, None)
    server = None
    try:
        started = time.perf_counter()
        filled = subprocess.run(
            [sys.executable, "-c", FILL, str(options.steps)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        big_run = filled.stdout.strip().splitlines()[-1]
        store_url = f"sqlite:///{home / 'stepwell.db'}"
        runs = copy_runs(store_url, options.runs)
        from stepwell.store.sql.store import SqlStore

        store = SqlStore(store_url)
        store.create_user(name="bench", password=PASSWORD, role="member")
        store.close()
        fill_seconds = time.perf_counter() - started

        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "-m", "stepwell.server", "--port", str(port)],
            env={**env, "STEPWELL_SERVER_SCHEDULE_TICK": "0"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait(url)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, args=["--no-sandbox"], headless=True
            )
            context = browser.new_context(viewport={"width": 1366, "height": 850})
            answer = context.request.post(
                f"{url}/api/v1/login",
                data={"username": "bench", "password": PASSWORD, "cookie": True},
            )
            assert answer.ok, answer.text()
            page = context.new_page()
            runs_page = measure(page, f"{url}/#/runs", "stepwell:runs-drawn", options.loads)
            run_page = measure(page, f"{url}/#/runs/{big_run}", "stepwell:dag-drawn", options.loads)
            nodes = page.locator("#dag").get_attribute("data-nodes")
            browser.close()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(root, ignore_errors=True)
    print(
        json.dumps(
            {
                "runs_in_store": runs,
                "big_run_nodes": int(nodes or 0),
                "runs_page": runs_page,
                "run_page": run_page,
                "fill_s": round(fill_seconds, 1),
                "cpus": os.cpu_count(),
            }
        )
    )


if __name__ == "__main__":
    main()
