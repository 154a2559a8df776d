"""`Page` behaves like the list that list calls returned before, plus its counts."""

import pickle

from stepwell.store.page import Page


def make(items, total=5, index=1, max_size=2):
    return Page.of(items, total=total, index=index, max_size=max_size)


def test_a_page_iterates_indexes_and_compares_like_a_list():
    page = make(["a", "b"])
    assert list(page) == ["a", "b"]
    assert page[0] == "a" and page[-1] == "b" and page[:1] == ["a"]
    assert len(page) == 2 and page.size == 2
    assert page == ["a", "b"] and page != ["b"]
    assert "a" in page
    (first, second) = page
    assert (first, second) == ("a", "b")
    assert list(reversed(page)) == ["b", "a"]


def test_an_empty_page_is_falsy_and_equals_an_empty_list():
    page = make([], total=0)
    assert not page
    assert page == []
    assert page.total_pages == 0


def test_counts_of_the_other_pages():
    page = make(["e"], total=5, index=3, max_size=2)
    assert (page.index, page.max_size, page.total, page.total_pages) == (3, 2, 5, 3)


def test_a_page_pickles_and_maps():
    page = make(["a", "b"])
    assert pickle.loads(pickle.dumps(page)) == page
    assert page.map(str.upper) == ["A", "B"]
    assert page.map(str.upper).total == 5


def test_the_zenml_import_path_gives_the_same_class():
    from stepwell.models import Page as ModelsPage

    assert ModelsPage is Page
