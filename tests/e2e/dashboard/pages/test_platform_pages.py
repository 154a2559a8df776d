"""The stacks, secrets, models, schedules and pipelines pages in a real browser: no secret
value ever reaches the page (its DOM text and what the server sent it), models show their
versions' stages and metadata side by side, and schedules show their next run and can be
paused by a member (checked in the server's database)."""

from __future__ import annotations

import re

from pages_records import LITERAL_SECRET, SECRET_VALUE
from pages_server import log_in
from playwright.sync_api import expect


def test_the_stacks_page_never_shows_a_secret_value(page, pages):
    answers: list[object] = []
    page.on("response", lambda answer: answers.append(answer) if "/api/" in answer.url else None)
    log_in(page, pages, "#/stacks")
    hook = page.locator("[data-stack=team] tr[data-component=team-hook]")
    expect(hook.locator("code.secret-ref")).to_have_text("{{hook.token}}")
    expect(hook).to_contain_text("https://hooks.example.com/...")

    text = page.locator("body").inner_text()
    assert SECRET_VALUE not in text and LITERAL_SECRET not in text
    bodies = [answer.text() for answer in answers]  # type: ignore[attr-defined]
    assert any("{{hook.token}}" in body for body in bodies)
    assert all(SECRET_VALUE not in body and LITERAL_SECRET not in body for body in bodies)
    assert SECRET_VALUE not in page.content() and LITERAL_SECRET not in page.content()


def test_the_secrets_page_lists_names_and_keys_only(page, pages):
    log_in(page, pages, "#/secrets")
    row = page.locator("#secrets tr[data-secret=hook]")
    expect(row.locator("code.secret-key")).to_have_text(["token"])
    assert SECRET_VALUE not in page.content()


def test_the_models_page_shows_versions_with_stages_and_metadata_side_by_side(page, pages):
    log_in(page, pages, "#/models")
    versions = page.locator("[data-model=churn] table.model-versions tbody tr")
    expect(versions).to_have_count(2)
    shown = {
        row.get_attribute("data-version"): (
            row.locator(".stage-cell").inner_text(),
            row.locator("td[data-key=accuracy]").inner_text(),
        )
        for row in versions.all()
    }
    assert shown == {"2": ("production", "0.93"), "1": ("staging", "0.81")}
    first_run = versions.first.locator("a").first
    first_run.click()
    expect(page).to_have_url(re.compile(r"#/runs/[\w-]+$"))


def test_the_schedules_page_shows_the_next_run_and_a_member_pauses_it(page, pages):
    log_in(page, pages, "#/schedules")
    row = page.locator("#schedules tr[data-schedule=new-year]")
    expect(row).to_have_attribute("data-active", "true")
    expect(row).to_contain_text("0 0 1 1 *")
    expect(row.locator(".next-run")).to_contain_text("1/1/")
    expect(row.locator("a", has_text="schedule-new-year")).to_have_count(1)

    row.locator("button.pause").click()

    expect(row).to_have_attribute("data-active", "false")
    assert pages.store().get_schedule("new-year").active is False
    row.locator("button.pause").click()  # resumed again for the other tests
    expect(row).to_have_attribute("data-active", "true")
    assert pages.store().get_schedule("new-year").active is True


def test_a_viewer_sees_schedules_without_their_buttons(page, pages):
    log_in(page, pages, "#/schedules", role="viewer")
    row = page.locator("#schedules tr[data-schedule=new-year]")
    expect(row).to_be_visible()
    expect(row.locator("button")).to_have_count(0)


def test_the_pipelines_page_links_each_pipeline_to_its_snapshots_and_runs(page, pages):
    log_in(page, pages, "#/pipelines")
    row = page.locator("#pipelines tr[data-pipeline=nightly_pipeline]")
    row.locator("a.snapshots-link").click()
    expect(page.locator("#snapshots tbody tr")).to_have_count(1)
    expect(page.locator("#snapshots")).to_contain_text("nightly")
    assert page.url.endswith("#/snapshots?pipeline=nightly_pipeline")

    page.go_back()
    page.locator("#pipelines tr[data-pipeline=chatty_pipeline] a.runs-link").click()
    assert page.url.endswith("#/runs?pipeline=chatty_pipeline")
