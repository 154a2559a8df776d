"""stepwell benchmarks: import time, per-step orchestration overhead, caching, fan-out.

    python benchmarks/run.py [--json results.json] [--only import,chain,cached,fanout,fanin,cpu]

The parts script, cli, create, scale and lookup (start-up, the command line, run creation,
2,000 steps, 100,000 runs stored) are described in bench_startup.py.

Parts (each runs even if another one fails; a failing part prints its error):

- import:  median wall time of `python -c "import stepwell"` minus `python -c "pass"`, over
           fresh subprocesses, with bytecode caches enabled and precompiled (in a private
           PYTHONPYCACHEPREFIX folder, so nothing is written next to the sources).
- chain:   a chain of trivial steps (`inc(x) -> x + 1`) with caching off, run several times
           (the first run is a warm-up); median run wall time divided by the number of steps.
- cached:  the same chain with caching on, after a run that fills the cache; median run wall
           time divided by the number of steps (every step is a cache hit), over 20 runs.
- fanout:  independent steps that each sleep 1 s; median wall time of the run (1 s would be
           perfect parallelism).
- fanin:   the spec's fan-out/fan-in pipeline (load -> 8 process steps -> combine, which looks
           the 8 outputs up with the Client), with each process step sleeping 1 s; median
           wall time of the run (target < 1.5 s).
- cpu:     two CPU-bound steps (a pure-Python loop of about 2 s each) in one run, against one
           such step alone; ratio of the median run wall times (1.0 would be perfect
           parallelism, 2.0 running one after the other; target < 1.3).

Runs use the embedded defaults (SQLite store + local artifact folder) in a fresh temporary
STEPWELL_HOME, which is removed afterwards.
"""

from __future__ import annotations

import argparse
import atexit
import datetime as dt
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parents[1]
PARTS = (
    *("import", "chain", "cached", "fanout", "fanin", "cpu"),
    *("script", "cli", "create", "scale", "lookup"),
)

# Measure the embedded defaults, quietly: set before stepwell is first imported.
for _name in ("STEPWELL_STORE_URL", "STEPWELL_ARTIFACT_STORE_PATH", "STEPWELL_DEBUG"):
    os.environ.pop(_name, None)
os.environ.setdefault("STEPWELL_LOGGING_VERBOSITY", "WARNING")
BENCH_HOME = tempfile.mkdtemp(prefix="stepwell-bench-")
atexit.register(shutil.rmtree, BENCH_HOME, ignore_errors=True)
os.environ["STEPWELL_HOME"] = BENCH_HOME

_EXTRA_PATH: str | None = None
if importlib.util.find_spec("stepwell") is None:  # running from a checkout without install
    _EXTRA_PATH = str(REPO / "src")
    sys.path.insert(0, _EXTRA_PATH)

# bench_startup (this folder: start-up, run creation and scale parts) imports stepwell too.
import bench_startup  # noqa: E402

from stepwell import get_step_context, pipeline, step  # noqa: E402
from stepwell.client import Client  # noqa: E402

CHAIN_STEPS = 20
FANOUT_WIDTH = 8


# -- the pipelines under test ------------------------------------------------------------------
@step
def inc(x: int) -> int:
    return x + 1


@pipeline
def chain() -> None:
    value = inc(0)
    for _ in range(CHAIN_STEPS - 1):
        value = inc(value)


@step(enable_cache=False)
def nap(i: int) -> int:
    time.sleep(1)
    return i


@pipeline(enable_cache=False)
def fan_out() -> None:
    for i in range(FANOUT_WIDTH):
        nap(i)


# The spec's fan-out/fan-in example, with 1-second process steps.
@step
def load_step() -> str:
    return "Hello from stepwell!"


@step
def process_step(input_data: str) -> str:
    time.sleep(1)
    return input_data


@step
def combine_step(step_prefix: str, output_name: str) -> None:
    run = Client().get_pipeline_run(get_step_context().pipeline_run.name)
    processed_results = {}
    for step_name, step_info in run.steps.items():
        if step_name.startswith(step_prefix):
            processed_results[step_info.name] = step_info.outputs[output_name][0].load()
    if len(processed_results) != FANOUT_WIDTH:
        raise RuntimeError(f"combine_step saw {len(processed_results)} process steps")


@pipeline(enable_cache=False)
def fan_out_fan_in_pipeline(parallel_count: int) -> None:
    input_data = load_step()
    after = []
    for i in range(parallel_count):
        after.append(process_step(input_data, id=f"process_{i}"))
    combine_step(step_prefix="process_", output_name="output", after=after)


# Two CPU-bound steps: a pure-Python loop (holds the GIL), sized to about CPU_STEP_S each.
CPU_STEP_S = 2.0


def spin_loop(iterations: int) -> int:
    total = 0
    for i in range(iterations):
        total += i * i
    return total


@step(enable_cache=False)
def spin(iterations: int) -> int:
    return spin_loop(iterations)


@pipeline(enable_cache=False)
def one_spin(iterations: int) -> None:
    spin(iterations=iterations)


@pipeline(enable_cache=False)
def two_spins(iterations: int) -> None:
    spin(iterations=iterations)
    spin(iterations=iterations)


# -- measurements ------------------------------------------------------------------------------
def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # let imports use (and write) bytecode caches
    # ...kept in a private folder, so that the checkout and site-packages stay untouched.
    env["PYTHONPYCACHEPREFIX"] = os.path.join(BENCH_HOME, "pycache")
    if _EXTRA_PATH:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [_EXTRA_PATH, env.get("PYTHONPATH")]))
    return env


def _time_python(code: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    return time.perf_counter() - start


def bench_import(repeats: int) -> dict[str, Any]:
    """Median `import stepwell` time in fresh interpreters, net of interpreter start-up."""
    spec = importlib.util.find_spec("stepwell")
    assert spec is not None and spec.origin is not None
    env = _child_env()
    package = str(Path(spec.origin).parent)
    subprocess.run([sys.executable, "-m", "compileall", "-q", package], env=env, check=True)
    for _ in range(2):  # warm the OS cache and write any bytecode still missing
        _time_python("import stepwell", env)
        _time_python("pass", env)
    bare, full = [], []
    for _ in range(repeats):  # interleaved, so drift affects both alike
        bare.append(_time_python("pass", env))
        full.append(_time_python("import stepwell", env))
    bare_ms, full_ms = statistics.median(bare) * 1e3, statistics.median(full) * 1e3
    return {
        "value": full_ms - bare_ms,
        "unit": "ms",
        "python_pass_ms": bare_ms,
        "python_import_stepwell_ms": full_ms,
        "repeats": repeats,
    }


def _timed_runs(run: Callable[[], Any], runs: int, warmups: int) -> list[float]:
    times = []
    for index in range(runs):
        start = time.perf_counter()
        record = run()
        elapsed = time.perf_counter() - start
        status = getattr(getattr(record, "status", None), "value", getattr(record, "status", None))
        if status not in (None, "completed"):
            raise RuntimeError(f"run {getattr(record, 'name', '?')} ended {status}")
        if index >= warmups:
            times.append(elapsed)
    return times


def bench_chain(runs: int, cached: bool) -> dict[str, Any]:
    """Median per-step wall time of a chain of trivial steps, without or with the cache."""
    pipe = chain.with_options(enable_cache=cached)
    times = _timed_runs(pipe, runs=runs, warmups=1)
    run_s = statistics.median(times)
    return {
        "value": run_s * 1e3 / CHAIN_STEPS,
        "unit": "ms/step",
        "median_run_s": run_s,
        "min_run_s": min(times),
        "steps": CHAIN_STEPS,
        "measured_runs": len(times),
    }


def bench_fanout(runs: int) -> dict[str, Any]:
    """Median wall time of a run of independent 1-second steps."""
    times = _timed_runs(fan_out, runs=runs, warmups=0)
    return {
        "value": statistics.median(times),
        "unit": "s",
        "min_run_s": min(times),
        "width": FANOUT_WIDTH,
        "ideal_s": 1.0,
        "measured_runs": len(times),
    }


def bench_fanin(runs: int) -> dict[str, Any]:
    """Median wall time of the spec's fan-out/fan-in run with 1-second process steps."""
    times = _timed_runs(lambda: fan_out_fan_in_pipeline(parallel_count=FANOUT_WIDTH), runs, 0)
    return {
        "value": statistics.median(times),
        "unit": "s",
        "min_run_s": min(times),
        "width": FANOUT_WIDTH,
        "ideal_s": 1.0,
        "measured_runs": len(times),
    }


def _spin_iterations(seconds: float) -> int:
    """How many loop iterations take about `seconds` here (calibrated in this process)."""
    probe = 100_000
    while True:  # grow the probe until it is long enough to time well
        start = time.perf_counter()
        spin_loop(probe)
        elapsed = time.perf_counter() - start
        if elapsed >= 0.25:
            return int(probe * seconds / elapsed)
        probe *= 2


def bench_cpu(runs: int) -> dict[str, Any]:
    """Run wall time of two ~2 s CPU-bound steps side by side over that of one alone."""
    iterations = _spin_iterations(CPU_STEP_S)
    alone, pair = [], []
    for _ in range(runs):  # interleaved, so drift in machine load affects both alike
        alone.extend(_timed_runs(lambda: one_spin(iterations=iterations), 1, 0))
        pair.extend(_timed_runs(lambda: two_spins(iterations=iterations), 1, 0))
    alone_s, pair_s = statistics.median(alone), statistics.median(pair)
    return {
        "value": pair_s / alone_s,
        "unit": "x",
        "one_step_run_s": alone_s,
        "two_steps_run_s": pair_s,
        "iterations": iterations,
        "measured_runs": len(pair),
    }


# -- reporting ---------------------------------------------------------------------------------
def machine() -> dict[str, Any]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from stepwell import __version__

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "stepwell": __version__,
        "store": os.environ.get("STEPWELL_STORE_URL", "sqlite (embedded default)").split("?")[0],
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }


LABELS = {
    "import": "import stepwell (net of bare python)",
    "chain": f"orchestration overhead per step ({CHAIN_STEPS}-step chain, no cache)",
    "cached": f"per cached step ({CHAIN_STEPS}-step chain, all cache hits)",
    "fanout": f"{FANOUT_WIDTH}-way fan-out of 1 s sleeps, run wall time",
    "fanin": f"spec fan-out/fan-in, {FANOUT_WIDTH} x 1 s process steps, run wall time",
    "cpu": f"2 CPU-bound ~{CPU_STEP_S:.0f} s steps side by side / one alone",
    "script": "python one_step.py (1-step pipeline), whole process, store warm",
    "cli": "stepwell pipeline runs list, whole process (help_s: stepwell --help)",
    "create": "create and finish a 1-step run in a warm process (no cache)",
    "scale": f"per step, {bench_startup.SCALE_STEPS}-step chain / 20-step chain",
    "lookup": f"slower of list/get pipeline run, {bench_startup.LOOKUP_RUNS:,} runs stored",
}


def print_table(results: dict[str, dict[str, Any]]) -> None:
    rows = []
    for part, result in results.items():
        if "error" in result:
            rows.append((LABELS[part], "FAILED", result["error"].splitlines()[-1][:60]))
            continue
        details = ", ".join(
            f"{key}={value:.3f}" if isinstance(value, float) else f"{key}={value}"
            for key, value in result.items()
            if key not in ("value", "unit")
        )
        rows.append((LABELS[part], f"{result['value']:.2f} {result['unit']}", details))
    widths = [
        max(len(row[i]) for row in [("benchmark", "median", "details"), *rows]) for i in range(3)
    ]
    header = ("benchmark", "median", "details")
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the stepwell benchmarks.")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON here")
    parser.add_argument(
        "--only", default=",".join(PARTS), help=f"comma-separated subset of {PARTS}"
    )
    parser.add_argument("--import-repeats", type=int, default=15)
    parser.add_argument("--chain-runs", type=int, default=7, help="including one warm-up run")
    parser.add_argument(
        "--cached-runs",
        type=int,
        default=21,
        help="including the run that fills the cache (cached runs are short: take many)",
    )
    parser.add_argument(
        "--store-url",
        help="measure against this metadata store (e.g. a PostgreSQL URL) instead of the "
        "embedded SQLite default; use an empty database",
    )
    parser.add_argument("--fanout-runs", type=int, default=3)
    parser.add_argument("--fanin-runs", type=int, default=3)
    parser.add_argument("--cpu-runs", type=int, default=3)
    parser.add_argument("--script-repeats", type=int, default=10)
    parser.add_argument("--cli-repeats", type=int, default=10)
    parser.add_argument("--create-runs", type=int, default=20)
    parser.add_argument("--scale-runs", type=int, default=1)
    parser.add_argument("--lookup-repeats", type=int, default=20)
    args = parser.parse_args(argv)
    parts = [part.strip() for part in args.only.split(",") if part.strip()]
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown part(s) {sorted(unknown)}; choose from {PARTS}")

    if args.store_url:  # read when the store is first opened, which is after this
        os.environ["STEPWELL_STORE_URL"] = args.store_url

    jobs: dict[str, Callable[[], dict[str, Any]]] = {
        "import": lambda: bench_import(args.import_repeats),
        "chain": lambda: bench_chain(args.chain_runs, cached=False),
        "cached": lambda: bench_chain(args.cached_runs, cached=True),
        "fanout": lambda: bench_fanout(args.fanout_runs),
        "fanin": lambda: bench_fanin(args.fanin_runs),
        "cpu": lambda: bench_cpu(args.cpu_runs),
        "script": lambda: bench_startup.bench_script(args.script_repeats, _child_env()),
        "cli": lambda: bench_startup.bench_cli(args.cli_repeats, _child_env()),
        "create": lambda: bench_startup.bench_create(args.create_runs),
        "scale": lambda: bench_startup.bench_scale(args.scale_runs),
        "lookup": lambda: bench_startup.bench_lookup(args.lookup_repeats),
    }
    results: dict[str, dict[str, Any]] = {}
    for part in parts:
        print(f"running {part} ...", file=sys.stderr, flush=True)
        try:
            results[part] = jobs[part]()
        except Exception as error:  # report it and go on with the other parts
            traceback.print_exc()
            results[part] = {"error": f"{type(error).__name__}: {error}"}

    info = machine()
    print(
        f"\nstepwell {info['stepwell']}, Python {info['python']}, {info['cores']} cores, "
        f"{info['cpu']}, store {info['store']}, {info['date']}\n"
    )
    print_table(results)
    if args.json:
        Path(args.json).write_text(
            json.dumps({"machine": info, "results": results}, indent=2) + "\n"
        )
        print(f"\nJSON written to {args.json}")
    return 1 if any("error" in result for result in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
