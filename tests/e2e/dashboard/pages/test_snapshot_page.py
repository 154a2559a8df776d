"""Triggering a snapshot from the dashboard's form: the server parses and checks the run
configuration typed in the editor (YAML or JSON) before anything runs; a good one starts a
run, and the page moves to it; a bad one shows the server's error and makes no run (checked
in the server's database)."""

from __future__ import annotations

import re

from pages_server import PagesServer, log_in, wait_until
from playwright.sync_api import expect


def snapshot_runs(pages: PagesServer) -> list[object]:
    store = pages.store()
    snapshot = store.get_snapshot("nightly")
    return list(store.list_runs(snapshot_id=snapshot.id, size=100).items)


def open_nightly(page, pages: PagesServer, role: str = "member") -> None:
    log_in(page, pages, "#/pipelines", role)
    page.locator("#named-snapshots a.snapshot-link", has_text="nightly").click()
    expect(page.locator("h1")).to_contain_text("nightly")


def test_the_form_is_prefilled_from_the_snapshot(page, pages):
    open_nightly(page, pages)
    text = page.locator("#run-configuration").input_value()
    assert "parameters:\n  rows: 3\n" in text
    assert "count_to:\n    parameters:\n      label: rows" in text


def test_triggering_from_the_form_starts_a_run_and_opens_it(page, pages):
    before = {run.id for run in snapshot_runs(pages)}
    open_nightly(page, pages)
    editor = page.locator("#run-configuration")
    editor.fill(editor.input_value().replace("rows: 3", "rows: 11"))

    page.click("#trigger-run")

    page.wait_for_url(re.compile(r"#/runs/[\w-]+$"))
    new = [run for run in snapshot_runs(pages) if run.id not in before]
    assert len(new) == 1
    assert page.url.endswith(f"#/runs/{new[0].id}")
    finished = wait_until(
        lambda: (run := pages.store().get_run(new[0].id)).status.is_finished and run,
        "the triggered run finishing",
    )
    assert finished.status.value == "completed"
    # The page opened before any step existed: its count follows the rows as they arrive.
    recorded = len(pages.store().get_run_steps(finished.id))
    expect(page.locator("#steps tbody tr")).to_have_count(recorded)
    expect(page.locator("#steps-count")).to_have_text(f"Steps ({recorded})")
    output = pages.store().get_run_steps(finished.id)["count_to"].outputs["counted"][0]
    assert output.load() == "rows=11"  # the edited configuration reached the run


def test_a_json_configuration_is_accepted_too(page, pages):
    before = len(snapshot_runs(pages))
    open_nightly(page, pages)
    page.fill("#run-configuration", '{"parameters": {"rows": 5}}')

    page.click("#trigger-run")

    page.wait_for_url(re.compile(r"#/runs/[\w-]+$"))
    assert len(snapshot_runs(pages)) == before + 1


def test_an_invalid_configuration_shows_the_servers_error_and_makes_no_run(page, pages):
    before = len(snapshot_runs(pages))
    open_nightly(page, pages)
    page.fill("#run-configuration", "parameters:\n  rows: 3\n  nope: 1\n")

    page.click("#trigger-run")

    error = page.locator("#trigger-error [role=alert]")
    expect(error).to_contain_text("takes no parameter 'nope'")
    assert "#/snapshots/" in page.url
    assert len(snapshot_runs(pages)) == before


def test_yaml_that_does_not_parse_is_refused_with_its_line(page, pages):
    before = len(snapshot_runs(pages))
    open_nightly(page, pages)
    page.fill("#run-configuration", "parameters:\n  rows: [3\n")

    page.click("#trigger-run")

    expect(page.locator("#trigger-error [role=alert]")).to_contain_text("not valid YAML (line")
    assert len(snapshot_runs(pages)) == before


def test_a_viewer_gets_no_trigger_form(page, pages):
    open_nightly(page, pages, role="viewer")
    expect(page.locator("#trigger-form")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("needs the member role")
