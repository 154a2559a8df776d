"""Cache keys: one pure function from what determines a step's outputs to a digest.

A step run's key covers its code (and the user code it reaches), its parameters, the content
of its inputs, the names and materializers of its outputs, the configuration that changes
what it produces (environment, settings), the artifact store, and whatever its
`CachePolicy` adds (files, sources, a `cache_func` value) or leaves out (code, parameters,
ignored inputs). Same key, same outputs; change any part and it is a miss. Each part's
digest is stored with the step run, so a miss can be explained part by part.
"""

from __future__ import annotations

import json
from typing import Any

import xxhash

from stepwell.config.cache_policy import CachePolicy
from stepwell.config.settings import DOCKER_KEY
from stepwell.enums import StackComponentType

# Settings sections that say how a run is launched, not what a step computes: `docker`
# describes an image no orchestrator here builds, and the orchestrator's (`synchronous`,
# `max_parallelism`, `reuse_processes`, `start_method`...) only say how steps are started.
# A run started with `--detach` or with more parallel workers reuses the same results.
_LAUNCH_SECTIONS = frozenset({DOCKER_KEY, StackComponentType.ORCHESTRATOR.value})


def keyed_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """The settings that are part of a step's cache key (all but how the run is launched)."""
    return {key: value for key, value in settings.items() if key not in _LAUNCH_SECTIONS}


CODE_DETAIL = "code:"  # prefix of the per-function entries that explain a changed `code`


def digest(value: Any) -> str:
    """A stable digest of a JSON-able value (dict keys sorted)."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return xxhash.xxh3_128_hexdigest(text.encode())


def cache_components(
    *,
    policy: CachePolicy,
    code: str | None,
    parameters: dict[str, Any],
    inputs: dict[str, list[tuple[str | None, str | None]]],
    outputs: dict[str, str | None],
    environment: dict[str, str],
    settings: dict[str, Any],
    artifact_store: str,
    files: dict[str, str] | None = None,
    sources: dict[str, str] | None = None,
    cache_func_value: str | None = None,
    code_parts: dict[str, str] | None = None,
) -> dict[str, str]:
    """The digest of each part of the key, by part name.

    `inputs` maps each input to its artifact versions as (content hash, id) pairs; `files`
    and `sources` map file dependencies and source dependencies to their digests.
    `code_parts` (each function's or class's hash within `code`) is recorded beside the
    parts as `code:<module.qualname>` entries that explain a changed `code` but are not
    part of the key (`cache_key` leaves them out).
    """
    ignored = set(policy.ignored_inputs)
    parts: dict[str, str] = {
        "outputs": digest(outputs),
        "environment": digest(environment),
        "settings": digest(keyed_settings(settings)),
        "artifact_store": digest(artifact_store),
    }
    if policy.include_step_code and code is not None:
        parts["code"] = code
        for name, value in (code_parts or {}).items():
            parts[CODE_DETAIL + name] = value
    if policy.include_step_parameters:
        for name, value in parameters.items():
            if name not in ignored:
                parts[f"parameter:{name}"] = digest(value)
    for name, versions in inputs.items():
        if name in ignored:
            continue
        identity: list[Any] = []
        if policy.include_artifact_values:
            identity.append([content or artifact_id for content, artifact_id in versions])
        if policy.include_artifact_ids:
            identity.append([artifact_id for _, artifact_id in versions])
        if identity:
            parts[f"input:{name}"] = digest(identity)
    for path, value in (files or {}).items():
        parts[f"file:{path}"] = value
    for source, value in (sources or {}).items():
        parts[f"source:{source}"] = value
    if cache_func_value is not None:
        parts["cache_func"] = digest(cache_func_value)
    return parts


def cache_key(components: dict[str, str]) -> str:
    """The cache key for a set of component digests (the `code:` details left out: `code`
    already covers them)."""
    return digest({k: v for k, v in components.items() if not k.startswith(CODE_DETAIL)})


def explain_difference(old: dict[str, str], new: dict[str, str]) -> list[str]:
    """Names of the key parts that differ between two step runs (`code`, `input:data`, ...);
    `code_change` says which functions a changed `code` part is about."""
    return [
        name
        for name in sorted(set(old) | set(new))
        if not name.startswith(CODE_DETAIL) and old.get(name) != new.get(name)
    ]


def code_change(old: dict[str, str], new: dict[str, str]) -> str:
    """A changed `code` part in words, naming the functions and classes that changed where
    both step runs recorded them: `code (changed: features.normalize; added: features.scale)`
    (just `code` where either did not)."""
    before = {k[len(CODE_DETAIL) :]: v for k, v in old.items() if k.startswith(CODE_DETAIL)}
    after = {k[len(CODE_DETAIL) :]: v for k, v in new.items() if k.startswith(CODE_DETAIL)}
    if not before or not after:  # recorded before the details were
        return "code"
    groups = {
        "changed": [n for n in after if n in before and before[n] != after[n]],
        "added": [n for n in after if n not in before],
        "removed": [n for n in before if n not in after],
    }
    said = [
        f"{label}: {', '.join(map(_shown, sorted(names)))}"
        for label, names in groups.items()
        if names
    ]
    return f"code ({'; '.join(said)})" if said else "code"


def _shown(name: str) -> str:
    """A function's dotted name as a user knows it (a script's own without `__main__.`)."""
    return name.removeprefix("__main__.")
