"""Where `stepwell run TARGET` finds its pipeline: split TARGET into module and attribute.

Three forms: `MODULE:PIPELINE` (a module may be a .py path), `MODULE` alone (its one
pipeline), and ZenML's dotted `package.module.pipeline` (`zenml pipeline run SOURCE`). A
dotted name is a module when one of that name exists; otherwise its last part is taken as
the pipeline in the module before it.
"""

from __future__ import annotations

import importlib.util
import os
import sys

from stepwell.cli.errors import CliError


def split_target(target: str) -> tuple[str, str]:
    """(module reference, pipeline attribute or "" for the module's only pipeline)."""
    if ":" in target:
        module_ref, _, attribute = target.rpartition(":")
        return module_ref, attribute
    is_path = target.endswith(".py") or os.sep in target or "/" in target
    if is_path or "." not in target.strip("."):
        return target, ""
    if os.getcwd() not in sys.path:  # as `import_target_module` does, to look where it will
        sys.path.insert(0, os.getcwd())
    if _module_exists(target):
        return target, ""
    parent, _, attribute = target.rpartition(".")
    if _module_exists(parent):
        return parent, attribute
    raise CliError(
        f"Cannot import {target!r}: there is no module {target!r}, nor a module {parent!r} "
        f"(for a pipeline {attribute!r} in it) in {os.getcwd()} or on sys.path. Run stepwell "
        "from the folder that holds the module, or use MODULE:PIPELINE (e.g. "
        f"{parent}:{attribute}) or the path of its .py file."
    )


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # a parent package is missing, or not a package
        return False
    except Exception:  # the package fails to import: importing the target says why
        return True
