"""The run page in a real browser against a real server: a dynamic pipeline's mapped steps
grouped with counts by status, zoom and pan of the DAG, the "why did this re-run" panel, and
a run in progress seen changing without a reload."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from live_server import RunningServer
from playwright.sync_api import expect
from run_page_pipelines import FAILING_ELEMENT, MAPPED_ELEMENTS
from run_page_server import (
    runs_of,
    serve_recorded_runs,
    start_waiting_run,
    wait_for_new_run,
    wait_for_step,
)
from test_dashboard import log_in

_TRANSFORM = re.compile(r"translate\(([-\d.]+),([-\d.]+)\) scale\(([-\d.]+)\)")


@pytest.fixture(scope="module")
def runs_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, Path]]:
    base = tmp_path_factory.mktemp("run-page")
    server = serve_recorded_runs(base)
    yield server, base
    server.stop()


def open_run(page: Any, server: RunningServer, run_id: str) -> None:
    log_in(page, server)
    page.goto(f"{server.url}/#/runs/{run_id}")
    page.locator("#dag[data-drawn]").wait_for()


def view_transform(page: Any) -> tuple[float, float, float]:
    found = _TRANSFORM.fullmatch(page.locator("#dag-view").get_attribute("transform") or "")
    assert found, page.locator("#dag-view").get_attribute("transform")
    x, y, k = (float(value) for value in found.groups())
    return x, y, k


def test_mapped_steps_are_one_node_with_counts_by_status(page, runs_server):
    server, _ = runs_server
    open_run(page, server, runs_of(server, "mapped_pipeline")[0]["id"])
    group = page.locator("#dag a.node.group[data-group=square]")
    expect(group).to_have_count(1)
    counts = json.loads(group.get_attribute("data-counts"))
    assert counts == {"completed": MAPPED_ELEMENTS - 1, "failed": 1}
    assert group.get_attribute("data-status") == "failed"
    expect(group.locator("text.counts")).to_have_text("5 completed · 1 failed")
    # The numbers step and the group: two nodes, one data edge between them.
    expect(page.locator("#dag a.node")).to_have_count(2)
    assert page.locator("#dag path.edge-data[data-from=numbers][data-to=square]").count() == 1

    group.click()

    members = page.locator("#dag a.node[data-member-of=square]")
    expect(members).to_have_count(MAPPED_ELEMENTS)
    failed = page.locator(f'#dag a.node[data-step="square:{FAILING_ELEMENT}"]')
    assert failed.get_attribute("data-status") == "failed"
    page.locator("#dag-collapse").click()
    expect(page.locator("#dag a.node.group[data-group=square]")).to_have_count(1)


def test_zoom_buttons_wheel_and_drag_change_the_view_transform(page, runs_server):
    server, _ = runs_server
    open_run(page, server, runs_of(server, "tuned_pipeline")[0]["id"])
    x0, y0, k0 = view_transform(page)

    page.locator("#dag-zoom-in").click()
    expect(page.locator("#dag")).not_to_have_attribute("data-scale", f"{k0:.4f}")
    _, _, k1 = view_transform(page)
    assert k1 > k0

    box = page.locator("#dag").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, 300)  # away from the reader: zoom out
    page.wait_for_function(f"Number(document.querySelector('#dag').dataset.scale) < {k1}")
    x2, y2, k2 = view_transform(page)
    assert k2 < k1

    page.mouse.move(box["x"] + 40, box["y"] + 30)
    page.mouse.down()
    page.mouse.move(box["x"] + 140, box["y"] + 90, steps=5)
    page.mouse.up()
    page.wait_for_function(
        f"!document.querySelector('#dag-view').getAttribute('transform').startsWith("
        f"'translate({x2:.1f},{y2:.1f})')"
    )
    x3, y3, k3 = view_transform(page)
    assert (round(x3 - x2), round(y3 - y2), k3) == (100, 60, k2)
    assert "#/runs/" in page.url  # a drag is no click: the page stayed

    page.locator("#dag-fit").click()
    page.wait_for_function(f"Number(document.querySelector('#dag').dataset.scale) !== {k3}")
    assert view_transform(page)[2] != k3


def test_the_rerun_panel_names_the_changed_parameter(page, runs_server):
    server, _ = runs_server
    newest = runs_of(server, "tuned_pipeline")[0]
    open_run(page, server, newest["id"])
    panel = page.locator("#rerun-panel")
    expect(panel).to_have_attribute("open", "")
    train = panel.locator("#rerun-table tr[data-step=train]")
    expect(train).to_contain_text("parameter:lr")
    expect(train.locator("td.why")).to_contain_text(
        "Its cache key changed: parameter 'lr': 0.1 -> 0.2"
    )
    expect(panel.locator("#rerun-table tr[data-step=load_table]")).to_contain_text(
        "Reused an earlier result"
    )
    # The train step was compared with the first tuned run, linked by name.
    first = runs_of(server, "tuned_pipeline")[1]
    expect(train.locator("a")).to_have_text(first["name"])
    assert page.locator("#dag a.node[data-step=load_table]").get_attribute("data-status") == (
        "cached"
    )


def test_a_running_run_changes_state_on_the_open_page(page, runs_server, tmp_path):
    server, base = runs_server
    flag = tmp_path / "flag"
    known = {run["id"] for run in runs_of(server, "waiting_pipeline")}
    process = start_waiting_run(server, base, flag)
    try:
        run_id = wait_for_new_run(server, "waiting_pipeline", known)
        wait_for_step(server, run_id, "wait_for_flag", "running")
        open_run(page, server, run_id)
        page.evaluate("window.stillTheSamePage = true")
        waiting = page.locator("#dag a.node[data-step=wait_for_flag]")
        expect(waiting).to_have_attribute("data-status", "running")
        expect(page.locator("#dag a.node[data-step=finish]")).to_have_attribute(
            "data-status", "pending"
        )

        flag.touch()

        expect(waiting).to_have_attribute("data-status", "completed", timeout=30_000)
        expect(page.locator("#dag a.node[data-step=finish]")).to_have_attribute(
            "data-status", "completed", timeout=30_000
        )
        expect(page.locator("#run-status .badge")).to_have_text("completed", timeout=30_000)
        assert page.evaluate("window.stillTheSamePage") is True  # no reload happened
    finally:
        flag.touch()
        output, _ = process.communicate(timeout=120)
    assert process.returncode == 0, output


def test_the_runs_list_shows_a_new_run_and_its_end_without_a_reload(page, runs_server, tmp_path):
    server, base = runs_server
    log_in(page, server, target="#/runs?pipeline=waiting_pipeline")
    expect(page.locator("#runs")).to_have_attribute("data-drawn", "true")
    before = page.locator("#runs tbody tr").count()
    page.evaluate("window.stillTheSamePage = true")
    flag = tmp_path / "flag"
    known = {run["id"] for run in runs_of(server, "waiting_pipeline")}
    process = start_waiting_run(server, base, flag)
    try:
        run_id = wait_for_new_run(server, "waiting_pipeline", known)
        row = page.locator(f"#runs tbody tr[data-run-id='{run_id}']")
        expect(row).to_have_attribute("data-status", "running", timeout=30_000)
        assert page.locator("#runs tbody tr").first.get_attribute("data-run-id") == run_id

        flag.touch()

        expect(row).to_have_attribute("data-status", "completed", timeout=30_000)
        expect(row.locator("td.steps")).to_have_text("0 / 3", timeout=30_000)
        expect(page.locator("#runs tbody tr")).to_have_count(before + 1)
        assert page.evaluate("window.stillTheSamePage") is True
    finally:
        flag.touch()
        output, _ = process.communicate(timeout=120)
    assert process.returncode == 0, output


def test_the_runs_list_filters_by_status_and_shows_cached_steps(page, runs_server):
    server, _ = runs_server
    log_in(page, server, target="#/runs?pipeline=tuned_pipeline")
    rows = page.locator("#runs tbody tr")
    expect(rows).to_have_count(2)
    # Newest first: the second tuned run reused load_table.
    expect(rows.first.locator("td.steps")).to_have_text("1 / 2")
    expect(rows.nth(1).locator("td.steps")).to_have_text("0 / 2")
    page.select_option("select[name=status]", "failed")
    expect(page.locator("#runs")).to_have_count(0)
    assert "status=failed" in page.url and "pipeline=tuned_pipeline" in page.url


def test_the_page_names_versioned_files_that_browsers_may_keep(runs_server):
    server, _ = runs_server
    page = server.http.get("/")
    found = re.search(r'src="/static/([0-9a-f]{12})/app\.js"', page.text)
    assert found, page.text
    assert f'rel="modulepreload" href="/static/{found.group(1)}/dag.js"' in page.text
    kept = server.http.get(f"/static/{found.group(1)}/dag.js")
    assert kept.status_code == 200
    assert "immutable" in kept.headers["cache-control"]
    asked_again = server.http.get("/static/dag.js")
    assert asked_again.headers["cache-control"] == "no-cache"
    assert asked_again.content == kept.content
