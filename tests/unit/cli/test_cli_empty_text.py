"""`empty_text`: what an empty list says, from the filters and the list's page."""

from __future__ import annotations

from stepwell.cli.paging import empty_text
from stepwell.store.page import Page


def test_past_the_last_page_names_the_last_page():
    page = Page.of([], total=120, index=9, max_size=50)

    assert empty_text("runs", "none", "completed", page=page) == "Page 9 is past the last page (3)."


def test_filters_that_match_nothing_say_so_on_any_page():
    page = Page.of([], total=0, index=4, max_size=50)

    assert empty_text("runs", "none", "failed", page=page) == "No runs match the filters."


def test_an_empty_store_says_how_to_make_the_first_one_on_any_page():
    for index in (1, 4):
        page = Page.of([], total=0, index=index, max_size=50)
        assert empty_text("runs", "No runs yet.", None, [], page=page) == "No runs yet."


def test_a_page_number_alone_cannot_tell_past_the_end_from_none():
    assert empty_text("runs", "No runs yet.", page=4) == "No runs on page 4."
    assert empty_text("runs", "No runs yet.", "failed", page=4) == "No runs match the filters."
    assert empty_text("runs", "No runs yet.", page=1) == "No runs yet."
