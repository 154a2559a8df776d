"""Pipelines the dashboard tests record through a real server (run as a script by the
tests, with the server's address and a member's API key in the environment).

`report_pipeline` has four steps: one loads numbers, one writes a log line, one returns an
HTML report whose script tries to reach the page that shows it, and one fails. `ok_pipeline`
has two steps that succeed.
"""

from __future__ import annotations

import sys
from typing import Annotated

from stepwell import pipeline, step
from stepwell.types import HTMLString

LOG_LINE = "hello from the step log: 42 rows"
# Run inside the preview: it must not reach the dashboard page (a sandboxed iframe without
# allow-same-origin and allow-scripts does not even run it).
HOSTILE_HTML = (
    "<h1 id='report-title'>Quarterly report</h1>"
    "<script>"
    "try { window.top.document.body.setAttribute('data-pwned', document.cookie || 'yes'); }"
    " catch (e) {}"
    "try { window.top.location = 'about:blank#pwned'; } catch (e) {}"
    "</script>"
)


@step
def load_numbers() -> Annotated[list[int], "numbers"]:
    return list(range(42))


@step
def count_rows(numbers: list[int]) -> Annotated[int, "row_count"]:
    print(LOG_LINE)
    return len(numbers)


@step
def make_report(numbers: list[int]) -> Annotated[HTMLString, "report"]:
    return HTMLString(HOSTILE_HTML)


@step
def explode(row_count: int) -> None:
    raise RuntimeError("the explode step fails on purpose")


@pipeline(enable_cache=False)
def report_pipeline() -> None:
    numbers = load_numbers()
    rows = count_rows(numbers)
    make_report(numbers)
    explode(rows, after="make_report")


@pipeline(enable_cache=False)
def ok_pipeline() -> None:
    count_rows(load_numbers())


if __name__ == "__main__":
    ok_pipeline()
    try:
        report_pipeline()
    except Exception as error:  # the failing step is the point
        print(f"report_pipeline failed as planned: {error}", file=sys.stderr)
