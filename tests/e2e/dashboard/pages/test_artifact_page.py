"""The artifact version page in a real browser: its facts, its producer and consumers
(linked), and each kind of visualization (CSV, Markdown, image, DataFrame, HTML) rendered
inside a sandboxed frame."""

from __future__ import annotations

import pytest
from pages_server import PagesServer, log_in
from playwright.sync_api import expect


def output_id(pages: PagesServer, step: str, output: str) -> str:
    run = pages.latest_run("chatty_pipeline")
    return str(pages.store().get_run_steps(run.id)[step].outputs[output][0].id)


def open_output(page, pages: PagesServer, step: str, output: str) -> None:
    log_in(page, pages, f"#/artifact-versions/{output_id(pages, step, output)}")
    expect(page.locator("h1")).to_contain_text(output)


@pytest.mark.parametrize(
    ("step", "output", "kind", "selector", "text"),
    [
        ("table_csv", "scores_csv", "csv", "table", "grace"),
        ("notes", "notes", "markdown", "h1", "Release notes"),
        ("frame", "frame", "html", "table", "Oslo"),
        ("page", "page", "html", "#html-title", "An HTML report"),
    ],
)
def test_a_visualization_renders_in_a_sandboxed_frame(
    page, pages, step, output, kind, selector, text
):
    open_output(page, pages, step, output)
    figure = page.locator(f"figure.preview[data-type={kind}]")
    expect(figure).to_have_count(1)
    assert figure.locator("iframe").get_attribute("sandbox") == ""
    frame = page.frame_locator(f"figure.preview[data-type={kind}] iframe")
    expect(frame.locator(selector).first).to_contain_text(text)


def test_an_image_visualization_is_shown_as_an_image(page, pages):
    open_output(page, pages, "picture", "picture")
    frame = page.frame_locator("figure.preview[data-type=image] iframe")
    image = frame.locator("img")
    expect(image).to_have_count(1)
    assert image.evaluate("img => img.complete && img.naturalWidth") == 24


def test_the_page_shows_the_versions_facts_and_links_producer_and_consumers(page, pages):
    open_output(page, pages, "chatty", "line_count")
    facts = page.locator("table.facts").first
    expect(facts).to_contain_text("builtins:int")
    expect(facts).to_contain_text("Content hash")
    expect(facts).to_contain_text("xxh3_128:")
    expect(page.locator("#consumers a.step-link")).to_have_text(["shout"])

    page.locator("#producer").click()

    expect(page.locator("h1")).to_contain_text("chatty")
    expect(page.locator("table.outputs a.artifact-link")).to_have_text(["line_count v1"])
