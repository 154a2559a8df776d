"""One client process of the server load tests: `python load_client.py CLIENT RUNS REPORT`.

The process talks to the server named by STEPWELL_SERVER_URL/STEPWELL_API_KEY (its own
STEPWELL_HOME, the artifact store folder all clients share). It waits for the go file the
test writes when every client is ready, then starts RUNS runs of `load_training` at once
(background runs: each goes on in a process of its own, as `synchronous: False` makes it),
waits for them through the server and writes one JSON line per run to REPORT: its name,
status and how long the client waited for it.

`load_training` has a step with caching on (its outputs are reused across runs and
clients), two with caching off, a model (each run makes the next version of `load_model`),
tags on the run and metadata on the step and the model version.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import traceback
from pathlib import Path
from typing import Annotated

from stepwell import Model, log_metadata, pipeline, step
from stepwell.client import Client

MODEL = "load_model"
STEPS = ("load_rows", "train", "evaluate")
GO_FILE = "go"  # written by the test into the folder of REPORT once every client is ready


@step
def load_rows(rows: int) -> Annotated[list[int], "rows"]:
    return list(range(rows))


@step(enable_cache=False)
def train(rows: list[int], client: int) -> Annotated[int, "weights"]:
    log_metadata({"loss": 1.0 / (1 + client)}, infer_model=True)
    return sum(rows) + client


@step(enable_cache=False)
def evaluate(weights: int) -> Annotated[float, "score"]:
    log_metadata({"score": weights / 100})
    return weights / 100


@pipeline(
    model=Model(name=MODEL),
    tags=["load"],
    settings={"orchestrator": {"debug": True, "synchronous": False}},
)
def load_training(rows: int, client: int) -> None:
    evaluate(train(load_rows(rows), client))


def run_name(client: int, index: int) -> str:
    return f"load-{client:02d}-{index}"


def count_requests(log: Path) -> None:
    """Append one line to `log` per answer this process (and the runs it forks) gets from
    the server: httpx logs each answered request at INFO."""
    handler = logging.FileHandler(log)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("httpx")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def main(client: int, runs: int, report: Path) -> None:
    count_requests(report.parent / f"requests-{client}.log")
    Client().list_pipeline_runs(size=1)  # connect and log in before the start line
    (report.parent / f"ready-{client}").touch()
    go = report.parent / GO_FILE
    deadline = time.monotonic() + 60
    while not go.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"client {client}: no go file within 60 s")
        time.sleep(0.02)
    started = time.monotonic()
    names = [run_name(client, index) for index in range(runs)]
    for index, name in enumerate(names):
        training = load_training.with_options(run_name=name, tags=[f"client-{client}"])
        training(rows=5, client=client * runs + index)
    lines = []
    for name in names:
        try:
            run = Client().wait_for_pipeline_run(name, timeout=150, poll_interval=0.25)
            status = str(run.status)
        except Exception:
            status = "error: " + traceback.format_exc()
        lines.append({"name": name, "status": status, "seconds": time.monotonic() - started})
    with report.open("w") as out:
        out.writelines(json.dumps(line) + "\n" for line in lines)


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]
    main(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]))
