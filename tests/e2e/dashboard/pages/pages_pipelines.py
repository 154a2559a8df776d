"""Pipelines whose runs the step, artifact, snapshot and platform pages are tested on.

Copied into a project folder (the snapshots' source root) and imported from there by
`pages_records.py` and by the tests that start runs of their own:

- `retried_pipeline`: a step that fails its first attempt and succeeds on its second;
- `chatty_pipeline`: a step that prints known lines (its output read by another step), and
  steps whose outputs have CSV, Markdown, image, DataFrame and HTML visualizations;
- `gated_pipeline`: a step that prints a line, waits for a file, then prints another;
- `nightly_pipeline`: the pipeline of the snapshot the trigger form runs;
- `model_pipeline`: makes a version of model `churn` and logs its accuracy.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Annotated, Any

from stepwell import Model, log_metadata, pipeline, step
from stepwell.config.retry_config import StepRetryConfig
from stepwell.types import CSVString, HTMLString, MarkdownString

FIRST_ATTEMPT_ERROR = "the first attempt fails on purpose"
CHATTY_LINES = ["alpha one", "beta two", "alpha three", "gamma four", "ALPHA five"]
BEFORE_GATE = "before the gate: waiting"
AFTER_GATE = "after the gate: done"


@step(retry=StepRetryConfig(max_retries=2, delay=0, backoff=1))
def flaky(marker: str) -> Annotated[int, "flaky_result"]:
    if not Path(marker).exists():
        Path(marker).write_text("attempted")
        raise RuntimeError(FIRST_ATTEMPT_ERROR)
    print("second attempt succeeds", flush=True)
    return 7


@pipeline(enable_cache=False)
def retried_pipeline(marker: str) -> None:
    flaky(marker)


@step
def chatty() -> Annotated[int, "line_count"]:
    for line in CHATTY_LINES:
        print(line, flush=True)
    return len(CHATTY_LINES)


@step
def shout(line_count: int) -> None:
    print(f"{line_count} lines", flush=True)


@step
def table_csv() -> Annotated[CSVString, "scores_csv"]:
    return CSVString("name,score\nada,91\ngrace,88\n")


@step
def notes() -> Annotated[MarkdownString, "notes"]:
    return MarkdownString("# Release notes\n\n- **faster** loading\n- fewer bugs\n")


@step
def picture() -> Annotated[Any, "picture"]:
    from PIL import Image

    return Image.new("RGB", (24, 16), (200, 30, 30))


@step
def frame() -> Annotated[Any, "frame"]:
    import pandas as pd

    return pd.DataFrame({"city": ["Oslo", "Lima"], "population": [709000, 10000000]})


@step
def page() -> Annotated[HTMLString, "page"]:
    return HTMLString("<h2 id='html-title'>An HTML report</h2>")


@pipeline(enable_cache=False)
def chatty_pipeline() -> None:
    shout(chatty())
    table_csv()
    notes()
    picture()
    frame()
    page()


@step(enable_cache=False)
def gated(gate: str) -> None:
    print(BEFORE_GATE, flush=True)
    deadline = time.monotonic() + 120
    while not os.path.exists(gate) and time.monotonic() < deadline:
        time.sleep(0.05)
    print(AFTER_GATE, flush=True)


@pipeline(enable_cache=False)
def gated_pipeline(gate: str) -> None:
    gated(gate)


@step(enable_cache=False)
def count_to(rows: int = 3, label: str = "rows") -> Annotated[str, "counted"]:
    print(f"{label}: {rows}", flush=True)
    return f"{label}={rows}"


@pipeline(enable_cache=False)
def nightly_pipeline(rows: int = 3) -> None:
    count_to(rows=rows)


@step(enable_cache=False)
def train(accuracy: float) -> Annotated[float, "accuracy"]:
    log_metadata({"accuracy": accuracy}, infer_model=True)
    return accuracy


@pipeline(enable_cache=False, model=Model(name="churn"))
def model_pipeline(accuracy: float) -> None:
    train(accuracy)


@pipeline(enable_cache=False)
def yearly_pipeline() -> None:
    count_to()
