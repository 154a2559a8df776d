"""How each changed part of a step's cache key changed: old and new values, in words (pure).

`cache.explain_difference` names the parts of the key that differ between two step runs;
this module says how, from what the store keeps with each step run:

- `parameter:<name>`: the values, from each step run's configuration
  (`parameter 'lr': 0.1 -> 0.01`), short and with secrets hidden (`shown_values`);
- `input:<name>`: the artifact versions each step run read, from its input links
  (`input 'data': artifact 'numbers' version 1 -> version 2`);
- `code`: the functions and classes that changed (`cache.code_change`);
- `environment` and `settings`: the variables and settings that differ, from each step
  run's configuration;
- `outputs`, `artifact_store`, `file:<path>`, `source:<ref>` and `cache_func`: only their
  digests are stored (the output specs, the artifact store's path, file contents, source
  hashes and the `cache_func` value are not kept with the step run), so these say
  "changed".
"""

from __future__ import annotations

from typing import Any

from stepwell.execution.cache import code_change, explain_difference, keyed_settings
from stepwell.execution.shown_values import old_to_new, shown
from stepwell.store.models import ArtifactVersionResponse, StepRunResponse

NOT_IN_KEY = "(not in the key)"
NOT_SET = "(not set)"
_DIGEST_ONLY = {
    "outputs": "outputs changed (their names or materializers)",
    "artifact_store": "artifact store changed",
    "cache_func": "cache_func value changed",
}


def describe_changes(previous: StepRunResponse, current: StepRunResponse) -> list[str]:
    """One line per part of the cache key that differs from `previous` to `current`, with
    the old and new values where the store has both (see the module docstring)."""
    old, new = previous.cache_components, current.cache_components
    lines = []
    for part in explain_difference(old, new):
        if part == "code":
            lines.append(code_change(old, new))
            continue
        kind, _, name = part.partition(":")
        in_old, in_new = part in old, part in new
        if kind == "parameter":
            lines.append(_parameter(name, previous, current, in_old, in_new))
        elif kind == "input":
            lines.append(_input(name, previous, current, in_old, in_new))
        elif kind == "environment":
            before, after = previous.config.environment, current.config.environment
            lines.append(_mapping("environment", before, after))
        elif kind == "settings":
            lines.append(_mapping("settings", _settings(previous), _settings(current)))
        elif kind in ("file", "source"):
            lines.append(f"{kind} '{name}' {_presence(in_old, in_new)}")
        else:
            lines.append(_DIGEST_ONLY.get(part, f"{part} changed"))
    return lines


def _presence(in_old: bool, in_new: bool) -> str:
    if not in_old:
        return "added to the key"
    if not in_new:
        return "no longer in the key"
    return "changed"


def _parameter(
    name: str, previous: StepRunResponse, current: StepRunResponse, in_old: bool, in_new: bool
) -> str:
    before, after = previous.config.parameters, current.config.parameters
    label = f"parameter '{name}'"
    if in_old and in_new:
        if name in before and name in after:
            return f"{label}: {old_to_new(before[name], after[name], name)}"
        return f"{label}: changed"  # a record without its configuration's values
    if in_new:  # new to the key: a new parameter, or one the old policy left out
        old_side = NOT_IN_KEY if name in before else NOT_SET
        new_side = shown(after[name], name) if name in after else "?"
        return f"{label}: {old_side} -> {new_side}"
    old_side = shown(before[name], name) if name in before else "?"
    new_side = NOT_IN_KEY if name in after else NOT_SET
    return f"{label}: {old_side} -> {new_side}"


def _versions(versions: list[ArtifactVersionResponse] | None) -> str:
    if not versions:
        return "?"
    return ", ".join(f"artifact '{v.name}' version {v.version}" for v in versions)


def _input(
    name: str, previous: StepRunResponse, current: StepRunResponse, in_old: bool, in_new: bool
) -> str:
    label = f"input '{name}'"
    before, after = previous.inputs.get(name), current.inputs.get(name)
    if not in_old:
        return f"{label}: {NOT_IN_KEY} -> {_versions(after)}"
    if not in_new:
        return f"{label}: {_versions(before)} -> {NOT_IN_KEY}"
    if not before or not after:  # the links are gone (a deleted artifact version)
        return f"{label}: changed"
    if [v.id for v in before] == [v.id for v in after]:
        return f"{label}: changed (the same {_versions(after)}, counted differently by the key)"
    if len(before) == len(after) == 1 and before[0].name == after[0].name:
        return f"{label}: {_versions(before)} -> version {after[0].version}"
    return f"{label}: {_versions(before)} -> {_versions(after)}"


def _settings(step_run: StepRunResponse) -> dict[str, Any]:
    return keyed_settings(step_run.config.settings)


def _mapping(kind: str, before: dict[str, Any], after: dict[str, Any]) -> str:
    """The entries of the environment or the settings that differ, by (dotted) name."""
    old_flat, new_flat = _flatten(before), _flatten(after)
    said = []
    for key in sorted(set(old_flat) | set(new_flat)):
        if old_flat.get(key, _MISSING) == new_flat.get(key, _MISSING):
            continue
        if key in old_flat and key in new_flat:
            said.append(f"{key} {old_to_new(old_flat[key], new_flat[key], key)}")
        else:
            old_side = shown(old_flat[key], key) if key in old_flat else NOT_SET
            new_side = shown(new_flat[key], key) if key in new_flat else NOT_SET
            said.append(f"{key} {old_side} -> {new_side}")
    return f"{kind}: {', '.join(said)}" if said else f"{kind} changed"


_MISSING = object()


def _flatten(mapping: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested settings as `section.key` entries (a secret key's value stays whole, so
    that it is hidden whole)."""
    flat: dict[str, Any] = {}
    for key, value in mapping.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(_flatten(value, dotted + "."))
        else:
            flat[dotted] = value
    return flat
