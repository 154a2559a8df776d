"""The dashboard in a real browser (Debian's chromium) against a real server with real runs:
logging in, the runs list, a run's DAG, a step's logs, a sandboxed artifact preview, what a
viewer may do, and where a stranger is sent."""

from __future__ import annotations

import re
from typing import Any

import httpx
from live_server import RunningServer
from playwright.sync_api import expect
from recorded_pipelines import LOG_LINE

EXPECTED_STEPS = {
    "load_numbers": "completed",
    "count_rows": "completed",
    "make_report": "completed",
    "explode": "failed",
}


def log_in(page: Any, server: RunningServer, role: str = "member", target: str = "#/runs") -> None:
    account = server.accounts[role]
    page.goto(f"{server.url}/{target}")
    page.locator("#login-form").wait_for()
    page.fill("input[name=username]", account.name)
    page.fill("input[name=password]", account.password)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#who")).to_contain_text(account.name)


def run_id(server: RunningServer, pipeline: str) -> str:
    runs = server.http.get(
        "/api/v1/runs", params={"pipeline": pipeline}, headers=server.headers("viewer")
    ).json()
    return str(runs["items"][0]["id"])


def open_report_run(page: Any, server: RunningServer) -> None:
    log_in(page, server)
    page.goto(f"{server.url}/#/runs/{run_id(server, 'report_pipeline')}")
    page.locator("#dag").wait_for()


def test_a_stranger_is_sent_to_the_login_page(page, dashboard_server):
    page.goto(f"{dashboard_server.url}/#/runs")
    expect(page.locator("#login-form")).to_be_visible()
    assert "#/login" in page.url


def test_the_login_form_sets_an_httponly_cookie_and_shows_the_runs(page, dashboard_server):
    log_in(page, dashboard_server)
    rows = page.locator("#runs tbody tr")
    expect(rows).to_have_count(2)
    statuses = {
        row.locator("td").nth(1).inner_text(): row.get_attribute("data-status")
        for row in rows.all()
    }
    assert statuses == {"report_pipeline": "failed", "ok_pipeline": "completed"}
    # Newest first: the report pipeline ran after the ok pipeline.
    assert rows.first.locator("td").nth(1).inner_text() == "report_pipeline"
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["stepwell_access"]["httpOnly"] is True
    assert cookies["stepwell_access"]["sameSite"] == "Strict"
    assert "stepwell_access" not in page.evaluate("document.cookie")


def test_the_runs_list_filters_by_pipeline(page, dashboard_server):
    log_in(page, dashboard_server)
    page.select_option("select[name=pipeline]", "ok_pipeline")
    expect(page.locator("#runs tbody tr")).to_have_count(1)
    assert "pipeline=ok_pipeline" in page.url


def test_the_run_page_draws_one_node_per_step_coloured_by_status(page, dashboard_server):
    open_report_run(page, dashboard_server)
    nodes = page.locator("#dag a.node")
    expect(nodes).to_have_count(len(EXPECTED_STEPS))
    shown = {
        node.get_attribute("data-step"): node.get_attribute("data-status") for node in nodes.all()
    }
    assert shown == EXPECTED_STEPS
    assert page.locator("#dag a.node.status-failed").get_attribute("data-step") == "explode"
    # Data edges from load_numbers; an after= edge from make_report to explode.
    assert page.locator("#dag path.edge-after[data-from=make_report][data-to=explode]").count() == 1
    assert page.locator("#dag path.edge-data[data-from=load_numbers]").count() == 2


def test_the_step_page_shows_the_steps_log_line(page, dashboard_server):
    open_report_run(page, dashboard_server)
    page.locator("#dag a.node[data-step=count_rows]").click()
    expect(page.locator("#step-status")).to_contain_text("completed")
    expect(page.locator("#step-logs")).to_contain_text(LOG_LINE)


def test_the_failed_step_page_shows_its_error(page, dashboard_server):
    open_report_run(page, dashboard_server)
    page.locator("#dag a.node[data-step=explode]").click()
    expect(page.locator("pre.error-text")).to_contain_text("fails on purpose")


def test_user_html_renders_in_a_sandboxed_frame_and_cannot_reach_the_page(page, dashboard_server):
    open_report_run(page, dashboard_server)
    page.locator("#dag a.node[data-step=make_report]").click()
    page.locator("a.artifact-link", has_text="report").click()
    frame_element = page.locator("iframe.visualization")
    expect(frame_element).to_have_count(1)
    assert frame_element.get_attribute("sandbox") == ""
    frame = page.frame_locator("iframe.visualization")
    expect(frame.locator("#report-title")).to_have_text("Quarterly report")
    page.wait_for_timeout(500)  # time for the script, were it allowed to run
    assert page.locator("body").get_attribute("data-pwned") is None
    assert "#/artifact-versions/" in page.url and "pwned" not in page.url
    # The preview's own answer sandboxes it even when opened outside the frame.
    source = frame_element.get_attribute("src")
    answer = page.request.get(f"{dashboard_server.url}{source}")
    assert answer.headers["content-security-policy"].startswith("sandbox")
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_a_viewer_gets_no_stop_button_and_is_refused_a_stop(page, dashboard_server):
    log_in(page, dashboard_server, "viewer")
    page.goto(f"{dashboard_server.url}/#/runs/{run_id(dashboard_server, 'report_pipeline')}")
    page.locator("#dag").wait_for()
    expect(page.locator("#stop-run")).to_be_hidden()
    refused = page.evaluate(
        """async (runId) => {
            const csrf = document.cookie.split('; ').find(c => c.startsWith('stepwell_csrf='))
                .split('=')[1];
            const answer = await fetch('/api/v1/runs/' + runId, {method: 'PATCH',
                headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf},
                body: JSON.stringify({stop_requested_at: new Date().toISOString()})});
            return answer.status;
        }""",
        run_id(dashboard_server, "report_pipeline"),
    )
    assert refused == 403


def test_a_cookie_change_without_the_csrf_header_is_refused(page, dashboard_server):
    log_in(page, dashboard_server, "member")
    status = page.evaluate(
        """async () => (await fetch('/api/v1/tags', {method: 'POST',
            headers: {'Content-Type': 'application/json'},
            body: JSON.stringify({name: 'from-the-browser'})})).status"""
    )
    assert status == 403


def test_the_page_is_served_with_a_strict_content_security_policy(dashboard_server):
    answer = httpx.get(f"{dashboard_server.url}/")
    policy = answer.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert not re.search(r"<script>(?!</script>)", answer.text)  # no inline script


def test_logs_outside_the_artifact_store_are_not_read(dashboard_server):
    """A row edited to name the server's own database as a step's log file is refused."""
    import sqlite3

    headers = dashboard_server.headers("viewer")
    steps = dashboard_server.http.get(
        f"/api/v1/runs/{run_id(dashboard_server, 'ok_pipeline')}/steps", headers=headers
    ).json()
    step_id = steps["load_numbers"]["id"]
    with sqlite3.connect(dashboard_server.home / "server.db") as database:
        changed = database.execute(
            "UPDATE step_runs SET logs_uri = ? WHERE id IN (?, ?)",
            (str(dashboard_server.home / "server.db"), step_id, step_id.replace("-", "")),
        ).rowcount
    assert changed == 1
    answer = dashboard_server.http.get(f"/api/v1/step-runs/{step_id}/logs", headers=headers)
    assert answer.status_code == 403
    assert "not inside" in answer.json()["message"]
