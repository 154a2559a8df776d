"""Source references that outlive the process: what an artifact records for its
materializer and data type (store -> read).

A class defined in the script being run (`python mat.py`) has `__module__ == "__main__"`,
and `__main__:MyMaterializer` means nothing to the process that loads the artifact later.
When the script lies inside the source root, the name it has there as a module (`mat` for
`<root>/mat.py`, `pkg.mod` for `<root>/pkg/mod.py`, or the name given to `python -m`) imports
the same class from that root, so that name is recorded instead. Where no import can reach
the script (a notebook, an interactive session, a file outside the source root) the
`__main__` reference stays, and loading it elsewhere fails with advice.

Steps and hooks keep their `__main__` references: runs and snapshots resolve those through
the live registry and the snapshot's code (`utils.sources`).
"""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any

from stepwell.utils.sources import get_source, register_live

MAIN = "__main__"


def durable_source(obj: Any) -> str:
    """The `module:qualname` to record for a class that another process will import; a
    class of the main script gets the script's importable module name (see module doc)."""
    source = get_source(obj)
    module_name, _, qualname = source.partition(":")
    if module_name != MAIN or "<locals>" in qualname:
        return source
    main = sys.modules.get(MAIN)
    name = main_module_name()
    # A class sent by value to a worker whose `__main__` is another module keeps its source.
    if name is None or main is None or _lookup(main, qualname) is not obj:
        return source
    durable = f"{name}:{qualname}"
    register_live(durable, obj)  # later loads in this process get the very same class
    return durable


def main_module_name() -> str | None:
    """The name under which the main script can be imported from the source root, or None
    (a notebook, an interactive session, a script outside the source root)."""
    main = sys.modules.get(MAIN)
    main_file = getattr(main, "__file__", None)
    if main is None or not main_file:
        return None
    spec_name = getattr(getattr(main, "__spec__", None), "name", None)
    if spec_name and spec_name != MAIN:  # `python -m pkg.mod`: importable as it was named
        return str(spec_name)
    from stepwell.utils.source_root import source_root

    name = module_name_under(Path(main_file), source_root())
    if name is None:
        return None
    other = sys.modules.get(name)
    if other is not None and other is not main and _file_of(other) != Path(main_file).resolve():
        return None  # the name already means another module here (e.g. a script named json.py)
    return name


def module_name_under(path: Path, root: Path) -> str | None:
    """The dotted module name of the `.py` file `path` imported from `root`, or None when it
    is outside `root` or its path is not a valid module name."""
    try:
        relative = path.resolve().relative_to(root.resolve())
    except ValueError:
        return None
    if relative.suffix != ".py":
        return None
    parts = list(relative.with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    if not parts or not all(part.isidentifier() for part in parts):
        return None
    return ".".join(parts)


def main_alias(module_name: str) -> types.ModuleType | None:
    """The running main script, when `module_name` is its durable name: loading
    `mat:MyMaterializer` inside `python mat.py` must give `__main__.MyMaterializer`, not
    a second copy of the script imported as `mat`."""
    if module_name == MAIN or module_name in sys.modules:
        return None
    if main_module_name() != module_name:
        return None
    return sys.modules.get(MAIN)


def _lookup(module: types.ModuleType, qualname: str) -> Any:
    obj: Any = module
    for part in qualname.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def _file_of(module: types.ModuleType) -> Path | None:
    file = getattr(module, "__file__", None)
    return Path(file).resolve() if file else None
