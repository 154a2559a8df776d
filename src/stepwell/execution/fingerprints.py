"""Gather the inputs of a cache key that need I/O: code, files, sources, `cache_func`.

The key itself is pure (`execution/cache.py`); this module reads the user's source files
and dependency files and calls the policy's `cache_func`, naming the step in every error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stepwell.config.cache_policy import CachePolicy
from stepwell.exceptions import CachePolicyError, SourceError
from stepwell.steps.base_step import check_file_dependency
from stepwell.utils.code_hash import (
    code_fingerprint_parts,
    file_digest,
    function_source_hash,
)
from stepwell.utils.source_root import source_root
from stepwell.utils.sources import load_source


def step_code_fingerprint_parts(func: Any, root: Path) -> tuple[str, dict[str, str]]:
    """The step function's code and the user code it reaches, as they are now (a helper
    redefined in a notebook cell counts; each object's hash is cached by its code), and
    each function's or class's own hash by its dotted `module.qualname` (to explain which
    one changed)."""
    return code_fingerprint_parts(func, root)


def file_dependency_digests(
    policy: CachePolicy, step_name: str, root: Path | None = None
) -> dict[str, str]:
    """A digest per file dependency, keyed by its path relative to the source root."""
    root = root or source_root()
    digests = {}
    for entry in policy.file_dependencies:
        path = resolve_file_dependency(entry, step_name, root)
        digests[str(path.relative_to(root))] = file_digest(path)
    return digests


def resolve_file_dependency(entry: str, step_name: str, root: Path) -> Path:
    """The absolute path of a file dependency; it must exist inside the source root."""
    check_file_dependency(entry, step_name, root)
    return (root / entry).resolve()


def source_dependency_digests(policy: CachePolicy, step_name: str) -> dict[str, str]:
    """A digest of each extra source the policy lists (functions or classes)."""
    digests = {}
    for source in policy.source_dependencies:
        try:
            target = load_source(source)
        except SourceError as error:
            raise CachePolicyError(
                f"Step '{step_name}': source dependency '{source}' cannot be loaded: {error}"
            ) from error
        digests[source] = function_source_hash(target)
    return digests


def cache_func_value(policy: CachePolicy, step_name: str) -> str | None:
    """Call the policy's `cache_func`; it must return a string."""
    if policy.cache_func is None:
        return None
    try:
        func = load_source(policy.cache_func)
        value = func()
    except Exception as error:
        raise CachePolicyError(
            f"Step '{step_name}': cache_func '{policy.cache_func}' raised "
            f"{type(error).__name__}: {error}."
        ) from error
    if not isinstance(value, str):
        raise CachePolicyError(
            f"Step '{step_name}': cache_func '{policy.cache_func}' returned a "
            f"{type(value).__name__}; it must return a string."
        )
    return value
