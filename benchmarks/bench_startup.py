"""Start-up, run creation and scale benchmarks (parts of `benchmarks/run.py`).

- script:  `python one_step.py`, a script that defines and runs a 1-step pipeline, as a whole
           process (interpreter start, imports, store open, the run, exit) with the store
           already created; median of fresh processes, bytecode cached.
- create:  a 1-step run created and finished inside a warm process (caching off, so the
           step runs in a worker); median wall time of the call.
- scale:   a static 2,000-step chain against the 20-step chain, both uncached: run wall time
           per step of each, and their ratio (1.0: the long pipeline costs no more per step).
- cli:     `stepwell pipeline runs list` (the newest 50 of the script part's runs, piped) and
           `stepwell --help`, as whole processes; median of fresh processes.
- lookup:  `Client().list_pipeline_runs()` and `Client().get_pipeline_run(name)` on a store
           holding 100,000 runs (inserted with bulk SQL); median milliseconds of each.
"""

from __future__ import annotations

import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from stepwell import pipeline, step

ONE_STEP_SCRIPT = """\
from stepwell import pipeline, step


@step
def one() -> int:
    return 1


@pipeline
def p():
    one()


p()
"""
SCALE_STEPS = 2_000
SHORT_CHAIN = 20
LOOKUP_RUNS = 100_000


@step(enable_cache=False)
def add_one(x: int) -> int:
    return x + 1


@pipeline(enable_cache=False)
def long_chain(steps: int) -> None:
    value = add_one(0)
    for _ in range(steps - 1):
        value = add_one(value)


@step(enable_cache=False)
def single() -> int:
    return 1


@pipeline(enable_cache=False)
def one_step() -> None:
    single()


def _median_ms(call: Callable[[], Any], repeats: int, warmups: int = 1) -> tuple[float, float]:
    """Median and minimum milliseconds of `call()` over `repeats` timed calls."""
    for _ in range(warmups):
        call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3, min(times) * 1e3


def bench_script(repeats: int, env: dict[str, str]) -> dict[str, Any]:
    """Median wall time of a whole `python one_step.py` process, store warm."""
    folder = Path(env["STEPWELL_HOME"]) / "script"
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "one_step.py"
    script.write_text(ONE_STEP_SCRIPT)

    def run(code: list[str]) -> float:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, *code], env=env, cwd=folder, check=True, capture_output=True
        )
        return time.perf_counter() - start

    for _ in range(2):  # create the store, write bytecode, warm the OS cache
        run([str(script)])
    bare, whole = [], []
    for _ in range(repeats):  # interleaved, so drift affects both alike
        bare.append(run(["-c", "pass"]))
        whole.append(run([str(script)]))
    return {
        "value": statistics.median(whole),
        "unit": "s",
        "min_s": min(whole),
        "python_pass_s": statistics.median(bare),
        "repeats": repeats,
    }


def _stepwell_command() -> list[str]:
    """The `stepwell` console script next to this interpreter, else `python -m stepwell`."""
    script = Path(sys.executable).with_name("stepwell")
    return [str(script)] if script.exists() else [sys.executable, "-m", "stepwell"]


def bench_cli(repeats: int, env: dict[str, str]) -> dict[str, Any]:
    """Median wall time of `stepwell pipeline runs list` and `stepwell --help` processes."""
    folder = Path(env["STEPWELL_HOME"]) / "script"
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "one_step.py"
    script.write_text(ONE_STEP_SCRIPT)
    stepwell = _stepwell_command()

    def run(arguments: list[str]) -> float:
        start = time.perf_counter()
        subprocess.run(arguments, env=env, cwd=folder, check=True, capture_output=True)
        return time.perf_counter() - start

    for _ in range(2):  # some runs to list; bytecode written; OS cache warm
        run([sys.executable, str(script)])
        run([*stepwell, "pipeline", "runs", "list"])
    listing, help_page = [], []
    for _ in range(repeats):  # interleaved, so drift affects both alike
        listing.append(run([*stepwell, "pipeline", "runs", "list"]))
        help_page.append(run([*stepwell, "--help"]))
    return {
        "value": statistics.median(listing),
        "unit": "s",
        "runs_list_min_s": min(listing),
        "help_s": statistics.median(help_page),
        "repeats": repeats,
    }


def bench_create(runs: int) -> dict[str, Any]:
    """Median wall time of creating and finishing a 1-step run in a warm process."""
    median_ms, min_ms = _median_ms(one_step, runs)
    return {"value": median_ms, "unit": "ms", "min_ms": min_ms, "measured_runs": runs}


def bench_scale(runs: int) -> dict[str, Any]:
    """Per-step wall time of a 2,000-step chain over that of the 20-step chain."""
    start = time.perf_counter()
    long_chain.compile(steps=SCALE_STEPS)
    compile_s = time.perf_counter() - start
    short, long = [], []
    long_chain(steps=SHORT_CHAIN)  # warm-up
    for _ in range(runs):  # interleaved, so drift affects both alike
        for _ in range(3):
            start = time.perf_counter()
            long_chain(steps=SHORT_CHAIN)
            short.append((time.perf_counter() - start) / SHORT_CHAIN)
        start = time.perf_counter()
        long_chain(steps=SCALE_STEPS)
        long.append((time.perf_counter() - start) / SCALE_STEPS)
    short_ms, long_ms = statistics.median(short) * 1e3, statistics.median(long) * 1e3
    return {
        "value": long_ms / short_ms,
        "unit": "x",
        "per_step_2000_ms": long_ms,
        "per_step_20_ms": short_ms,
        "compile_2000_s": compile_s,
        "measured_runs": runs,
    }


def _fill_runs(path: Path, store: Any, count: int) -> None:
    """Insert `count` finished runs of two pipelines straight into SQLite, in one transaction."""
    owners = [store.get_or_create_pipeline(name) for name in ("nightly", "hourly")]
    start = datetime(2026, 1, 1)
    rows = []
    for number in range(count):
        owner = owners[number % 2]
        created = (start + timedelta(seconds=number)).isoformat(sep=" ", timespec="microseconds")
        name = owner.name
        rows.append(
            (uuid.uuid4().hex, f"{name}-{number}", owner.id.hex, name, "completed",
             f'{{"name": "{name}"}}', 0, created, created)
        )  # fmt: skip
    with sqlite3.connect(path) as connection:
        connection.executemany(
            "INSERT INTO pipeline_runs (id, name, pipeline_id, pipeline_name, status, config, "
            "is_unlisted, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


def bench_lookup(repeats: int) -> dict[str, Any]:
    """Median milliseconds of listing runs and getting one, with 100,000 runs stored."""
    from stepwell.client import Client
    from stepwell.store.sql import SqlStore

    with tempfile.TemporaryDirectory(prefix="stepwell-lookup-") as folder:
        path = Path(folder) / "stepwell.db"
        store = SqlStore(f"sqlite:///{path}")
        try:
            _fill_runs(path, store, LOOKUP_RUNS)
            client = Client(store)
            name = f"hourly-{LOOKUP_RUNS // 2 + 1}"
            list_ms, list_min = _median_ms(client.list_pipeline_runs, repeats, warmups=2)
            get_ms, get_min = _median_ms(lambda: client.get_pipeline_run(name), repeats, 2)
            one_ms, _ = _median_ms(
                lambda: client.list_pipeline_runs(pipeline_name="nightly"), repeats, 2
            )
        finally:
            store.close()
    return {
        "value": max(list_ms, get_ms),
        "unit": "ms",
        "list_pipeline_runs_ms": list_ms,
        "list_min_ms": list_min,
        "list_one_pipeline_ms": one_ms,
        "get_pipeline_run_ms": get_ms,
        "get_min_ms": get_min,
        "runs_in_store": LOOKUP_RUNS,
        "repeats": repeats,
    }
