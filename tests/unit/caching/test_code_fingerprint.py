"""Code fingerprints follow the user's own helpers, ignore comments and stop at installed code."""

import importlib.util
import itertools
import textwrap

from stepwell.utils.code_hash import code_fingerprint

_counter = itertools.count()


def load(tmp_path, files):
    """Write modules under a fresh package name and import the `steps` module."""
    package = f"fp_pkg_{next(_counter)}"
    folder = tmp_path / package
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    for name, text in files.items():
        (folder / f"{name}.py").write_text(textwrap.dedent(text))
    import sys

    sys.path.insert(0, str(tmp_path))
    try:
        return importlib.import_module(f"{package}.steps")
    finally:
        sys.path.remove(str(tmp_path))


HELPERS = """
    import json

    def scale(x):
        return x * 2

    class Model:
        def predict(self, x):
            return scale(x) + 1
"""

STEPS = """
    import json
    from . import helpers
    from .helpers import Model

    def train(x):
        return Model().predict(x) + helpers.scale(x) + len(json.dumps(x))
"""


def fingerprint(tmp_path, helpers=HELPERS, steps=STEPS):
    module = load(tmp_path, {"helpers": helpers, "steps": steps})
    return code_fingerprint(module.train, tmp_path)


def test_fingerprint_is_stable(tmp_path):
    assert fingerprint(tmp_path) == fingerprint(tmp_path)


def test_a_change_in_a_helper_function_changes_it(tmp_path):
    changed = HELPERS.replace("return x * 2", "return x * 3")
    assert fingerprint(tmp_path, helpers=changed) != fingerprint(tmp_path)


def test_a_change_in_a_method_of_a_used_class_changes_it(tmp_path):
    changed = HELPERS.replace("scale(x) + 1", "scale(x) + 2")
    assert fingerprint(tmp_path, helpers=changed) != fingerprint(tmp_path)


def test_comments_docstrings_and_formatting_do_not_count(tmp_path):
    reformatted = HELPERS.replace(
        "def scale(x):\n        return x * 2",
        'def scale(x):\n        """Double it."""\n        # a comment\n        return (x*2)',
    )
    assert reformatted != HELPERS
    assert fingerprint(tmp_path, helpers=reformatted) == fingerprint(tmp_path)


def test_unused_helpers_do_not_count(tmp_path):
    extra = HELPERS + "\n    def unused():\n        return 1\n"
    assert fingerprint(tmp_path, helpers=extra) == fingerprint(tmp_path)


def test_installed_packages_are_not_followed(tmp_path):
    # json is referenced by the step; its code is outside the source root and not hashed.
    module = load(tmp_path, {"helpers": HELPERS, "steps": STEPS})
    other_root = tmp_path / "elsewhere"
    other_root.mkdir()
    # With a root that contains none of the user's files only the step itself counts,
    # so helper changes are invisible there: the root bounds what is followed.
    changed = load(tmp_path, {"helpers": HELPERS.replace("x * 2", "x * 5"), "steps": STEPS})
    assert code_fingerprint(module.train, other_root) == code_fingerprint(changed.train, other_root)
