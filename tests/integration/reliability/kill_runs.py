"""Kill pipeline runs with SIGKILL at random moments, then count what they left behind.

Each round starts a pipeline in a process of its own (a fresh session, so that its step
workers die with it), waits a random time or until a large numpy array is being written,
and kills the whole process group with SIGKILL. Then the runs are read through the Client,
which finds the dead ones, and the harness reports:

- orphaned files and bytes: files in the artifact store that no record points to;
- stuck runs: runs still unfinished after being read (the detection window is over);
- artifact versions that fail to load.

As a script it prints the figures (`python tests/integration/reliability/kill_runs.py
--kills 38`); the tests import `kill_rounds` and `orphan_report`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

PIPELINE = """
    import os
    import time

    import numpy as np

    from stepwell import pipeline, step

    LARGE = int(os.environ["KILL_RUNS_LARGE_MB"]) * 2**20 // 8


    @step
    def small(seed: int) -> np.ndarray:
        time.sleep(0.05)
        return np.full(4096, seed, dtype=np.float64)


    @step
    def large(base: np.ndarray) -> np.ndarray:
        return np.full(LARGE, float(base[0]), dtype=np.float64)


    @step
    def total(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
        return float(a.sum() + b.sum() + c[:10].sum())


    @pipeline(enable_cache=False)
    def kill_target():
        a = small(seed=1, id="small_a")
        b = small(seed=2, id="small_b")
        c = large(a)
        total(a, b, c)


    if __name__ == "__main__":
        kill_target()
"""


@dataclass
class Report:
    """What the killed runs left behind."""

    kills: int = 0
    mid_write_kills: int = 0
    runs: int = 0
    stuck_runs: int = 0
    orphaned_files: int = 0
    orphaned_bytes: int = 0
    versions: int = 0
    unloadable_versions: int = 0
    seconds: float = 0.0
    orphans: list[str] = field(default_factory=list)
    load_errors: list[str] = field(default_factory=list)


def write_pipeline(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "kill_target.py"
    script.write_text(textwrap.dedent(PIPELINE))
    return script


def _staging_of_large(artifacts: Path) -> bool:
    """Whether the large array is being written right now (its staging folder has bytes)."""
    if not artifacts.is_dir():
        return False
    for entry in artifacts.iterdir():
        if entry.name.startswith(".staging-large"):
            return any(f.stat().st_size > 0 for f in entry.rglob("*") if f.is_file())
    return False


def _entries(artifacts: Path) -> int:
    return len(list(artifacts.iterdir())) if artifacts.is_dir() else 0


def kill_rounds(
    home: Path, kills: int, large_mb: int, max_delay: float, mid_write_every: int, seed: int
) -> tuple[int, int]:
    """Start and SIGKILL `kills` runs: every `mid_write_every`-th while the large array is
    being written, the others at a random moment (odd rounds: while steps run; even rounds:
    any time up to `max_delay`). Returns (kills, mid-write kills)."""
    rng = random.Random(seed)
    script = write_pipeline(home)
    env = {**os.environ, "STEPWELL_HOME": str(home), "KILL_RUNS_LARGE_MB": str(large_mb)}
    artifacts = home / "artifacts"
    mid_write = 0
    for round_number in range(kills):
        process = subprocess.Popen(
            [sys.executable, str(script)],
            env=env,
            cwd=home,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        if mid_write_every and round_number % mid_write_every == mid_write_every - 1:
            deadline = time.monotonic() + 30
            while not _staging_of_large(artifacts) and process.poll() is None:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.002)
            mid_write += process.poll() is None
        elif round_number % 2:  # while steps run: after the run's first output appears
            before = _entries(artifacts)
            deadline = time.monotonic() + 30
            while _entries(artifacts) == before and process.poll() is None:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.002)
            time.sleep(rng.uniform(0.0, 1.5))
        else:  # any moment: starting up, running steps, recording, exiting
            time.sleep(rng.uniform(0.25 * max_delay, max_delay))
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:  # it finished first: a completed run is fine too
            pass
        process.wait()
    return kills, mid_write


def recorded_paths(client: Any) -> list[str]:
    """Every path in the artifact store a record points to: versions, their
    visualizations, step logs. Reads runs from the store directly, so that reading them
    does not detect (and clean up after) dead runs."""
    paths = []
    for version in _all(client.list_artifact_versions):
        paths.append(version.uri)
        paths.extend(item.uri for item in (version.visualizations or []))
    for run in _all(client.store.list_runs):
        paths.extend(s.logs_uri for s in client.store.get_run_steps(run.id).values() if s.logs_uri)
    return paths


def _all(list_method: Any) -> list[Any]:
    items, page = [], 1
    while True:
        found = list_method(page=page, size=500)
        items.extend(found.items)
        if page >= found.total_pages:
            return items
        page += 1


def orphan_report(home: Path, client: Any) -> Report:
    """Read every run through the Client (dead ones are failed and cleaned), then count
    unrecorded files, unfinished runs and versions that do not load."""
    report = Report()
    runs = _all(client.list_pipeline_runs)  # reading a run detects it dead
    report.runs = len(runs)
    report.stuck_runs = sum(not run.status.is_finished for run in runs)
    recorded = [os.path.abspath(p) for p in recorded_paths(client)]
    for path in sorted((home / "artifacts").rglob("*")):
        if not path.is_file():
            continue
        text = str(path)
        if any(text == r or text.startswith(r.rstrip("/") + "/") for r in recorded):
            continue
        report.orphaned_files += 1
        report.orphaned_bytes += path.stat().st_size
        report.orphans.append(os.path.relpath(text, home))
    for version in _all(client.list_artifact_versions):
        report.versions += 1
        try:
            version.load()
        except Exception as error:
            report.unloadable_versions += 1
            report.load_errors.append(f"{version.uri}: {type(error).__name__}: {error}")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--large-mb", type=int, default=64, help="size of the large array")
    parser.add_argument("--max-delay", type=float, default=3.5, help="latest kill (seconds)")
    parser.add_argument("--mid-write-every", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--home", help="stepwell home to use (default: a new temporary one)")
    args = parser.parse_args(argv)
    home = Path(args.home or tempfile.mkdtemp(prefix="kill-runs-"))
    os.environ["STEPWELL_HOME"] = str(home)
    started = time.monotonic()
    kills, mid_write = kill_rounds(
        home, args.kills, args.large_mb, args.max_delay, args.mid_write_every, args.seed
    )
    from stepwell.client import Client

    report = orphan_report(home, Client())
    report.kills, report.mid_write_kills = kills, mid_write
    report.seconds = round(time.monotonic() - started, 1)
    print(json.dumps(asdict(report), indent=2))
    return (
        0 if not (report.orphaned_files or report.stuck_runs or report.unloadable_versions) else 1
    )


if __name__ == "__main__":
    sys.exit(main())
