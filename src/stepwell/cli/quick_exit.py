"""A quick exit for `stepwell` commands that ran only stepwell's own code (read layer).

When Python exits it tears down every module and runs its cycle collector over all that is
left; for a command that loaded SQLAlchemy and pydantic that is some 40,000 objects and
about 60 ms, a fifth of what `stepwell pipeline runs list` takes. Moving them to the
collector's permanent generation (`gc.freeze()`) at exit skips that work.

Only where nothing else could be hurt: frozen objects are never torn down, so a `__del__`
that would have run at exit does not, and a file a program opened and never closed is not
flushed. stepwell's own code closes what it opens, and so do its dependencies; a user's
module may not. So the freeze happens only if every module loaded is stepwell's, the
standard library's or one of the known dependencies below: a command that imported a
user's pipeline (`stepwell run`), a plugin or anything else exits the ordinary way.
"""

from __future__ import annotations

import atexit
import gc
import re
import sys
from collections.abc import Iterable

# Top-level import names of stepwell's dependencies (core, `cli`, `postgres`, the server
# client) and of the modules the interpreter and packaging tools load by themselves.
KNOWN_PACKAGES = frozenset(
    {
        "stepwell",
        # core
        "sqlalchemy",
        "alembic",
        "mako",
        "markupsafe",
        "pydantic",
        "pydantic_core",
        "typing_extensions",
        "typing_inspection",
        "annotated_types",
        "fsspec",
        "cloudpickle",
        "xxhash",
        "yaml",
        "_yaml",
        "pathspec",
        "greenlet",
        # cli
        "typer",
        "click",
        "rich",
        "shellingham",
        "annotated_doc",
        "markdown_it",
        "mdurl",
        "pygments",
        # postgres and the server's client
        "psycopg",
        "psycopg_binary",
        "httpx",
        "httpcore",
        "h11",
        "anyio",
        "sniffio",
        "idna",
        "certifi",
        "cryptography",
        "_cffi_backend",
        # what the interpreter and setuptools' shims load on their own
        "_distutils_hack",
        "cython_runtime",
    }
)
_GENERATED = re.compile(r"^(_cython_\d+_\d+_\d+|_sysconfigdata_.*)$")


def foreign_modules(names: Iterable[str]) -> list[str]:
    """The top-level names among `names` (module names) that are none of stepwell, the
    standard library or its known dependencies: code whose exit stepwell can't vouch for."""
    known = KNOWN_PACKAGES | sys.stdlib_module_names
    tops = {name.partition(".")[0] for name in names}
    return sorted(top for top in tops if top not in known and not _GENERATED.match(top))


def _main_is_ours() -> bool:
    """Whether `__main__` is the `stepwell` console script or `python -m stepwell`, rather
    than a program of someone's that called `stepwell.cli.main()`."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if spec is not None:
        return str(spec.name).startswith("stepwell.")
    path = str(getattr(main, "__file__", "") or "")
    return path.replace("\\", "/").rsplit("/", 1)[-1] in ("stepwell", "stepwell.exe")


def _freeze_if_only_known_code() -> None:
    names = [name for name in sys.modules if name != "__main__"]
    if _main_is_ours() and not foreign_modules(names):
        gc.freeze()


def exit_quickly_when_safe() -> None:
    """Arrange the quick exit; called once, first thing, by the `stepwell` command (so its
    check runs after every other exit handler: they may still need what it freezes)."""
    atexit.register(_freeze_if_only_known_code)
