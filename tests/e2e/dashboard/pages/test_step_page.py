"""The step page in a real browser: it follows a running step's log without a reload, its
log search highlights and filters lines, and it lists a retried step's attempts with the
first attempt's error and traceback."""

from __future__ import annotations

from pages_pipelines import AFTER_GATE, BEFORE_GATE, CHATTY_LINES, FIRST_ATTEMPT_ERROR
from pages_server import PagesServer, log_in, wait_until
from playwright.sync_api import expect


def step_id(pages: PagesServer, pipeline: str, step: str) -> str:
    run = pages.latest_run(pipeline)
    return str(pages.store().get_run_steps(run.id)[step].id)


def test_the_step_page_follows_a_running_steps_log_without_a_reload(page, pages, tmp_path):
    gate = tmp_path / "gate"
    process = pages.start(f"pp.gated_pipeline(gate={str(gate)!r})")
    try:

        def running_step() -> str | None:
            run = pages.latest_run("gated_pipeline")
            steps = pages.store().get_run_steps(run.id) if run else {}
            step = steps.get("gated")
            return str(step.id) if step and step.status.value == "running" else None

        gated = wait_until(running_step, "the gated step starting")
        log_in(page, pages, f"#/steps/{gated}")
        logs = page.locator("#step-logs")
        expect(logs).to_contain_text(BEFORE_GATE)
        expect(page.locator("#step-status")).to_contain_text("running")
        assert AFTER_GATE not in logs.inner_text()
        page.evaluate("window.stillTheSamePage = true")

        gate.touch()

        expect(logs).to_contain_text(AFTER_GATE, timeout=30_000)
        expect(page.locator("#step-status")).to_contain_text("completed")
        assert page.evaluate("window.stillTheSamePage") is True  # no reload happened
        shown = [line.strip() for line in logs.inner_text().splitlines() if line.strip()]
        assert shown.count(BEFORE_GATE) == 1 and shown.count(AFTER_GATE) == 1
        output, _ = process.communicate(timeout=60)
        assert process.returncode == 0, output
    finally:
        gate.touch()
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)


def test_the_log_search_highlights_and_filters_lines(page, pages):
    log_in(page, pages, f"#/steps/{step_id(pages, 'chatty_pipeline', 'chatty')}")
    lines = page.locator("#step-logs .log-line")
    expect(lines).to_have_count(len(CHATTY_LINES))

    page.fill("#log-search", "alpha")

    wanted = [line for line in CHATTY_LINES if "alpha" in line.lower()]
    expect(page.locator("#log-matches")).to_have_text(f"{len(wanted)} matching lines")
    expect(page.locator("#step-logs mark")).to_have_count(len(wanted))
    assert page.locator("#step-logs .log-line:visible").count() == len(CHATTY_LINES)

    page.check("#log-only-matches")

    visible = page.locator("#step-logs .log-line:visible")
    expect(visible).to_have_count(len(wanted))
    assert [text.strip() for text in visible.all_inner_texts()] == wanted


def test_the_step_page_lists_a_retried_steps_attempts_with_the_first_error(page, pages):
    log_in(page, pages, f"#/steps/{step_id(pages, 'retried_pipeline', 'flaky')}")
    rows = page.locator("#attempts tbody tr")
    expect(rows).to_have_count(2)
    assert [row.get_attribute("data-status") for row in rows.all()] == ["retried", "completed"]
    first = page.locator("#attempts tr[data-attempt='1']")
    expect(first.locator("pre.attempt-error")).to_contain_text(FIRST_ATTEMPT_ERROR)
    first.locator("details summary").click()
    expect(first.locator("pre.traceback")).to_contain_text("Traceback (most recent call last)")
    expect(first.locator("pre.traceback")).to_contain_text("in flaky")

    first.locator("a").click()  # the first attempt's own page

    expect(page.locator("#step-status")).to_contain_text("retried")
    expect(page.locator("#step-error pre.error-text")).to_contain_text(FIRST_ATTEMPT_ERROR)
    expect(page.locator("#latest-attempt")).to_contain_text("attempt 2 (completed)")
