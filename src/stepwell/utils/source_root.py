"""The user's source root: the folder whose code counts as the user's own.

Cache keys follow the step's helper functions and classes only inside it (never into
installed packages); file dependencies of cache policies must live inside it. In order:
STEPWELL_SOURCE_ROOT; the folder holding a project's `.stepwell/`; the folder of the
pipeline's entry point, however it was started (`python file.py`: the file's folder;
`python -m pkg.mod`: the folder that holds `pkg`; `stepwell run file.py` or
`stepwell run MODULE`: the file's folder, or the working directory the module is imported
from); else (a notebook, an interactive session) the working directory.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from functools import lru_cache
from pathlib import Path

_entry_folder: Path | None = None


def set_entry_folder(folder: str | os.PathLike[str] | None) -> None:
    """Name the folder of the code being run, where `__main__` cannot tell (the CLI's
    `stepwell run` imports the user's file from a console script)."""
    global _entry_folder
    _entry_folder = Path(folder).resolve() if folder is not None else None


def source_root() -> Path:
    """The user's source root for this process."""
    explicit = os.environ.get("STEPWELL_SOURCE_ROOT")
    if explicit:
        return Path(explicit).resolve()
    from stepwell.config.environment import find_project_folder

    project = find_project_folder()
    if project is not None:
        return project.parent
    if _entry_folder is not None:
        return _entry_folder
    return main_folder() or Path.cwd().resolve()


def main_folder() -> Path | None:
    """The folder `__main__` was started from, if it is the user's: a script's folder, or
    for `python -m pkg.mod` the folder holding `pkg`. None for an interactive session or
    a notebook, and for an installed console script (its folder is the environment's
    `bin/`, never the user's code)."""
    main = sys.modules.get("__main__")
    main_file = getattr(main, "__file__", None)
    if not main_file:
        return None
    path = Path(main_file).resolve()
    spec_name = getattr(getattr(main, "__spec__", None), "name", None)
    if spec_name:  # started with -m: climb out of the package
        depth = spec_name.count(".") + (1 if path.name == "__main__.py" else 0)
        return path.parents[depth]
    scripts = sysconfig.get_path("scripts")
    if scripts and path.parent == Path(scripts).resolve():
        return None
    if path.suffix != ".py" and path.parent.name in ("bin", "Scripts"):
        return None
    return path.parent


@lru_cache(maxsize=1)
def _installed_prefixes() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    candidates = {
        paths.get("purelib"),
        paths.get("platlib"),
        paths.get("stdlib"),
        sys.prefix,
        sys.base_prefix,
    }
    return tuple(sorted(str(Path(p).resolve()) for p in candidates if p))


def is_user_file(path: str | None, root: Path) -> bool:
    """Whether `path` is the user's own code: under the source root, not an installed package."""
    if not path:
        return False
    resolved = str(Path(path).resolve())
    if "site-packages" in resolved or "dist-packages" in resolved:
        return False
    if any(resolved.startswith(prefix + os.sep) for prefix in _installed_prefixes()):
        return False
    return resolved.startswith(str(root) + os.sep)
