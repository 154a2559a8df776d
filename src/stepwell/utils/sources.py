"""Source references: `module:qualname` strings that name a step, hook or materializer.

The compiled spec and the store hold these strings instead of live objects, so that another
process can import what to run. Objects defined where no import can reach them (a script's
`__main__`, a notebook cell, a function's local scope) are also kept in a registry of live
objects: a child process forked from the defining one finds them there, and the reference
records the defining file so a fresh process can load `__main__` objects from it.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import Any

from stepwell.exceptions import SourceError
from stepwell.utils.code_loading import preventing_execution

_LIVE: dict[str, Any] = {}
# Module names to read others as: a process that runs a snapshot loads the defining script
# under another name (so its `if __name__ == "__main__":` block stays quiet) and maps
# `__main__:...` references onto it.
MODULE_ALIASES: dict[str, str] = {}


def get_source(obj: Any) -> str:
    """The `module:qualname` reference of a class or function, registering it as live."""
    target = getattr(obj, "__stepwell_source_target__", obj)
    module = getattr(target, "__module__", None)
    qualname = getattr(target, "__qualname__", None)
    if not module or not qualname:
        raise SourceError(f"Cannot make a source reference for {obj!r}: it has no module or name.")
    source = f"{module}:{qualname}"
    _LIVE[source] = obj
    return source


def register_live(source: str, obj: Any) -> None:
    """Make `load_source(source)` return `obj` in this process and its forked children."""
    _LIVE[source] = obj


def live_objects() -> dict[str, Any]:
    """Every object registered by its source reference in this process (a copy)."""
    return dict(_LIVE)


def load_source(source: str) -> Any:
    """Import what a `module:qualname` reference names (live objects first)."""
    live = _LIVE.get(source)
    if live is not None:
        return live
    if ":" not in source:
        # Also accept the dotted "package.module.function" form users write for hooks.
        module_name, _, qualname = source.rpartition(".")
        if not module_name:
            raise SourceError(
                f"'{source}' is not a source reference; write it as 'module:function' "
                "or 'module.function'."
            )
    else:
        module_name, qualname = source.split(":", 1)
    module_name = MODULE_ALIASES.get(module_name, module_name)
    try:
        module = sys.modules.get(module_name) or _running_main(module_name)
        if module is None:
            # Importing runs the module's top level: its pipeline calls must not run then.
            with preventing_execution(f"stepwell is importing '{module_name}' to load {source}"):
                module = importlib.import_module(module_name)
    except Exception as error:
        raise SourceError(
            f"Cannot import module '{module_name}' for source '{source}': {error}. "
            "Make sure it is importable (on sys.path) in the process that runs the step."
        ) from error
    obj: Any = module
    try:
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except AttributeError as error:
        raise SourceError(
            f"Module '{module_name}' has no attribute '{qualname}' (source '{source}')."
        ) from error
    return obj


def _running_main(module_name: str) -> Any:
    """The main script itself, when `module_name` is the name it is recorded under."""
    from stepwell.utils.durable_sources import main_alias

    return main_alias(module_name)


def is_importable(source: str) -> bool:
    """Whether a fresh process could import `source` without the live registry."""
    module_name, _, qualname = source.partition(":")
    return module_name != "__main__" and "<locals>" not in qualname
