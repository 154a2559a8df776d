"""The user's source root: the folder whose code counts as the user's own.

Cache keys follow the step's helper functions and classes only inside it (never into
installed packages); file dependencies of cache policies must live inside it. In order:
STEPWELL_SOURCE_ROOT; the folder holding a project's `.stepwell/`; the folder of the
script being run; the working directory.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from functools import lru_cache
from pathlib import Path


def source_root() -> Path:
    """The user's source root for this process."""
    explicit = os.environ.get("STEPWELL_SOURCE_ROOT")
    if explicit:
        return Path(explicit).resolve()
    from stepwell.config.environment import find_project_folder

    project = find_project_folder()
    if project is not None:
        return project.parent
    main_file = getattr(sys.modules.get("__main__"), "__file__", None)
    if main_file:
        return Path(main_file).resolve().parent
    return Path.cwd().resolve()


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
