"""Cache keys: one pure function from what determines a step's outputs to a digest.

A step run's key covers its code, its parameters, the content of its inputs, the names and
materializers of its outputs, the configuration that changes what it produces (environment,
settings) and the artifact store. Same key, same outputs; change any of them and it is a
miss. Each component's digest is stored too, so a miss can be explained.
"""

from __future__ import annotations

import json
from typing import Any

import xxhash


def digest(value: Any) -> str:
    """A stable digest of a JSON-able value (dict keys sorted)."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return xxhash.xxh3_128_hexdigest(text.encode())


def cache_components(
    *,
    code: str,
    parameters: dict[str, Any],
    input_hashes: dict[str, list[str]],
    outputs: dict[str, str | None],
    environment: dict[str, str],
    settings: dict[str, Any],
    artifact_store: str,
) -> dict[str, str]:
    """The digest of each part of the key, by part name."""
    return {
        "code": code,
        "parameters": digest(parameters),
        "inputs": digest(input_hashes),
        "outputs": digest(outputs),
        "environment": digest(environment),
        "settings": digest(settings),
        "artifact_store": digest(artifact_store),
    }


def cache_key(components: dict[str, str]) -> str:
    """The cache key for a set of component digests."""
    return digest(components)


def explain_difference(old: dict[str, str], new: dict[str, str]) -> list[str]:
    """Names of the components that differ between two step runs' keys."""
    return sorted(name for name in set(old) | set(new) if old.get(name) != new.get(name))
