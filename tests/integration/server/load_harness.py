"""The load of the server load tests: client processes (`load_client.py`) started together,
a reader that times `Client().get_pipeline_run` while they run, and what they report.

Every client has its own STEPWELL_HOME and talks to the server as the member service
account; all of them write artifact bytes to one shared folder, as a team's clients share
the artifact store their stack names.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from live_server import RunningServer

from stepwell.exceptions import EntityNotFoundError

_HERE = Path(__file__).resolve().parent
_ROOT = _HERE.parents[2]
_CLIENT_VARIABLES = ("STEPWELL_STORE_URL", "STEPWELL_ACTIVE_STACK", "STEPWELL_SERVER_USERNAME")


@dataclass
class LoadOutcome:
    """What a load produced: one report line per run, timings and the clients' output."""

    runs: list[dict[str, Any]]
    wall_seconds: float
    requests: int
    latencies: list[float] = field(default_factory=list)
    client_output: str = ""

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.wall_seconds

    def latency_ms(self, quantile: float) -> float:
        """A quantile (0.5: the median) of the timed `get_pipeline_run` calls, in ms."""
        ordered = sorted(self.latencies)
        if quantile == 0.5:
            return statistics.median(ordered) * 1000
        return ordered[min(len(ordered) - 1, int(quantile * len(ordered)))] * 1000

    def figures(self) -> dict[str, Any]:
        return {
            "runs": len(self.runs),
            "wall_seconds": round(self.wall_seconds, 1),
            "requests": self.requests,
            "requests_per_second": round(self.requests_per_second),
            "get_pipeline_run_calls": len(self.latencies),
            "get_pipeline_run_median_ms": round(self.latency_ms(0.5), 1),
            "get_pipeline_run_p95_ms": round(self.latency_ms(0.95), 1),
        }


class RunReader(threading.Thread):
    """Reads the load's runs one after another with `Client().get_pipeline_run` (through the
    server), timing each answer, until stopped; runs not made yet are passed over."""

    def __init__(self, names: list[str], pause: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.names = names
        self.pause = pause
        self.latencies: list[float] = []
        self.errors: list[BaseException] = []
        self._stop_event = threading.Event()

    def run(self) -> None:
        from stepwell.client import Client

        client = Client()
        index = 0
        while not self._stop_event.is_set():
            name = self.names[index % len(self.names)]
            index += 1
            started = time.perf_counter()
            try:
                client.get_pipeline_run(name)
            except EntityNotFoundError:
                continue
            except BaseException as error:  # reported by the test, not lost in this thread
                self.errors.append(error)
                return
            self.latencies.append(time.perf_counter() - started)
            self._stop_event.wait(self.pause)

    def finish(self) -> list[float]:
        self._stop_event.set()
        self.join(30)
        if self.errors:
            raise self.errors[0]
        return self.latencies


def start_clients(
    server: RunningServer, folder: Path, clients: int, runs: int
) -> list[subprocess.Popen[bytes]]:
    """Start `clients` client processes of `runs` runs each; they wait for the go file."""
    artifacts = folder / "artifacts"
    artifacts.mkdir(parents=True, exist_ok=True)
    base = {k: v for k, v in os.environ.items() if k not in _CLIENT_VARIABLES}
    processes = []
    for client in range(clients):
        env = {
            **base,
            **server.client_env("member"),
            "STEPWELL_HOME": str(folder / f"home-{client}"),
            "STEPWELL_ARTIFACT_STORE_PATH": str(artifacts),
            "PYTHONPATH": str(_ROOT / "src"),
        }
        command = [sys.executable, str(_HERE / "load_client.py"), str(client), str(runs)]
        command.append(str(folder / f"report-{client}.jsonl"))
        with (folder / f"client-{client}.out").open("wb") as out:
            processes.append(
                subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
            )
    return processes


def _wait_ready(processes: list[subprocess.Popen[bytes]], folder: Path) -> None:
    deadline = time.monotonic() + 90
    while not all((folder / f"ready-{i}").exists() for i in range(len(processes))):
        failed = [p.args for p in processes if p.poll() is not None]
        if failed or time.monotonic() > deadline:
            raise RuntimeError(f"Clients not ready: {failed}\n{_output(folder)}")
        time.sleep(0.05)


def _output(folder: Path) -> str:
    return "\n".join(
        f"--- {path.name}\n{path.read_text(errors='replace')}"
        for path in sorted(folder.glob("client-*.out"))
    )


def run_load(
    server: RunningServer,
    folder: Path,
    run_names: Callable[[int, int], str],
    clients: int = 16,
    runs: int = 4,
    during: Callable[[], None] | None = None,
) -> LoadOutcome:
    """Start the clients together, read runs while they work (and call `during`, if given),
    wait for every client and collect their reports."""
    processes = start_clients(server, folder, clients, runs)
    try:
        _wait_ready(processes, folder)
        names = [run_names(client, index) for client in range(clients) for index in range(runs)]
        reader = RunReader(names)
        started = time.monotonic()
        (folder / "go").touch()
        reader.start()
        if during is not None:
            during()
        for process in processes:
            process.wait(timeout=max(1.0, 170 - (time.monotonic() - started)))
        wall = time.monotonic() - started
        latencies = reader.finish()
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    output = _output(folder)
    codes = [process.returncode for process in processes]
    assert codes == [0] * clients, f"client exit codes {codes}:\n{output}"
    reported = [
        json.loads(line)
        for client in range(clients)
        for line in (folder / f"report-{client}.jsonl").read_text().splitlines()
    ]
    requests = sum(
        len(path.read_text().splitlines()) for path in folder.glob("requests-*.log")
    ) + len(latencies)
    return LoadOutcome(reported, wall, requests, latencies, output)
