"""What a new user meets first, in a real browser: logging in from the bare root address lands
on the runs page with the address saying so; the details of a run, a step and an artifact
version sit in cards like the page's other sections; an artifact version names its runs and
reads its size in human units; the stack cards line up; sections keep their spacing."""

from __future__ import annotations

import re

from pages_server import PagesServer, log_in
from playwright.sync_api import expect


def line_count(pages: PagesServer) -> tuple[object, object]:
    """The chatty run and its `line_count` output version (read from the server's database)."""
    run = pages.latest_run("chatty_pipeline")
    version = pages.store().get_run_steps(run.id)["chatty"].outputs["line_count"][0]
    return run, version


def test_logging_in_from_the_root_address_leaves_the_address_at_the_runs_page(page, pages):
    account = pages.server.accounts["member"]
    page.goto(f"{pages.url}/")
    page.locator("#login-form").wait_for()
    page.fill("input[name=username]", account.name)
    page.fill("input[name=password]", account.password)

    page.click("#login-form button[type=submit]")

    expect(page.locator("#runs")).to_be_visible()
    expect(page).to_have_url(re.compile(r"#/runs$"))
    expect(page.locator("#login-form")).to_have_count(0)


def test_run_step_and_artifact_details_are_cards(page, pages):
    run, version = line_count(pages)
    step_id = pages.store().get_run_steps(run.id)["chatty"].id
    log_in(page, pages, f"#/runs/{run.id}")
    expect(page.locator("section.panel #run-summary table.facts")).to_have_count(1)
    page.goto(f"{pages.url}/#/steps/{step_id}")
    expect(page.locator("section.panel > div > table.facts").first).to_contain_text("Queued")
    page.goto(f"{pages.url}/#/artifact-versions/{version.id}")
    expect(page.locator("section.panel > table.facts").first).to_contain_text("Materializer")


def test_the_artifact_page_names_its_runs_and_shows_a_human_size(page, pages):
    run, version = line_count(pages)
    log_in(page, pages, f"#/artifact-versions/{version.id}")

    expect(page.locator("#producer-run")).to_have_text(run.name)
    expect(page.locator("#consumers a.run-link")).to_have_text([run.name])
    size = page.locator("#artifact-size")
    assert size.get_attribute("title") == f"{version.size} bytes"
    expected = "1 byte" if version.size == 1 else f"{version.size} bytes"
    expect(size).to_have_text(expected)  # an int output is a few bytes, never "1 bytes"


def test_named_snapshots_keep_a_margin_from_the_pipelines_table(page, pages):
    log_in(page, pages, "#/pipelines")
    heading = page.locator("#named-snapshots-heading")
    gap = heading.evaluate(
        "h => h.getBoundingClientRect().top"
        " - document.getElementById('pipelines').getBoundingClientRect().bottom"
    )
    assert gap >= 16


def test_every_stack_card_has_the_same_column_widths(page, pages):
    log_in(page, pages, "#/stacks")
    expect(page.locator("section.stack").first).to_be_visible()
    widths = page.evaluate(
        """() => [...document.querySelectorAll('section.stack table.list, #components')]
            .map((t) => [...t.querySelectorAll(':scope > thead th')].map((th) => th.offsetWidth).join(','))"""
    )
    assert len(widths) >= 2
    assert len(set(widths)) == 1, widths
    keys = page.evaluate(
        """() => [...document.querySelectorAll('table.facts.nested > tbody > tr > th')]
            .map((th) => th.offsetWidth)"""
    )
    assert keys and len(set(keys)) == 1, keys
