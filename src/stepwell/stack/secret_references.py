"""`{{secret_name.key}}` in a stack component's configuration: resolved where it is used.

A component's configuration may hold a secret reference instead of a value, as in ZenML:
a string that is exactly `{{name.key}}` (spaces inside the braces are allowed), as a field's
value or inside a mapping or list a field holds (e.g. a header of the webhook alerter).
The store keeps the reference, never the value. When a component is built to be used
(`StackComponent.config`), each reference is replaced by the secret's value, read from the
store the component came from; the result lives only in that process's memory.

Before a run starts, `check_stack_secrets` resolves every reference in the stack, so a
missing secret or key fails the run at once with an error naming the component, the field,
the secret and the key, and how to fix it. Values never appear in errors or reprs: an error
from validating a resolved configuration has the values cut out, and the fields that came
from secrets show as `****` in the configuration's repr.

Only whole values are references (`"Bearer {{api.token}}"` is not one). A field whose
validation rejects the reference text (a URL check, a number) cannot hold one, unless its
flavor lets references through its check (`is_secret_reference`); the resolved value is
validated when the component is built.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from stepwell.exceptions import EntityNotFoundError, StackComponentConfigError
from stepwell.logger import get_logger
from stepwell.utils.redact import MASK

logger = get_logger(__name__)

_REFERENCE = re.compile(r"\{\{\s*([^\s.{}]+)\.([^\s{}]+?)\s*\}\}")

Lookup = Callable[[str], Mapping[str, str]]


class SecretReference(NamedTuple):
    """`{{name.key}}`: the secret `name`'s value of `key`."""

    name: str
    key: str


def is_secret_reference(value: Any) -> bool:
    """Whether `value` is a string that is exactly one secret reference."""
    return isinstance(value, str) and _REFERENCE.fullmatch(value.strip()) is not None


def parse_secret_reference(value: str) -> SecretReference:
    """The secret and key a reference names (ValueError if `value` is not one)."""
    match = _REFERENCE.fullmatch(value.strip())
    if match is None:
        raise ValueError(f"{value!r} is not a secret reference of the form {{{{name.key}}}}.")
    return SecretReference(match.group(1), match.group(2))


def find_references(configuration: Any, field: str = "") -> list[tuple[str, SecretReference]]:
    """Every reference in a configuration, with the top-level field that holds it."""
    if isinstance(configuration, str):
        return [(field, parse_secret_reference(configuration))] if is_secret_reference(
            configuration
        ) else []  # fmt: skip
    found: list[tuple[str, SecretReference]] = []
    if isinstance(configuration, Mapping):
        for key, value in configuration.items():
            found += find_references(value, field or str(key))
    elif isinstance(configuration, list | tuple):
        for value in configuration:
            found += find_references(value, field)
    return found


def resolve_configuration(
    configuration: Mapping[str, Any], lookup: Lookup, component: str
) -> tuple[dict[str, Any], frozenset[str], list[str]]:
    """The configuration with its references replaced by values, the fields that held
    references, and the values used (to cut out of messages). Each secret is read once.
    StackComponentConfigError names a missing secret or key."""
    secrets: dict[str, Mapping[str, str]] = {}
    used: list[str] = []

    def value_of(field: str, reference: SecretReference) -> str:
        if reference.name not in secrets:
            try:
                secrets[reference.name] = lookup(reference.name)
            except EntityNotFoundError:
                raise StackComponentConfigError(
                    f"The {component} uses the secret '{reference.name}' in '{field}', and no "
                    f"secret of that name exists; create it with: stepwell secret create "
                    f"{reference.name} --{reference.key}=..."
                ) from None
        values = secrets[reference.name]
        if reference.key not in values:
            keys = ", ".join(sorted(values)) or "none"
            raise StackComponentConfigError(
                f"The {component} uses key '{reference.key}' of secret '{reference.name}' in "
                f"'{field}', and the secret has no such key (its keys: {keys}); add it with: "
                f"stepwell secret update {reference.name} --{reference.key}=..."
            )
        used.append(values[reference.key])
        return values[reference.key]

    def walk(value: Any, field: str) -> Any:
        if is_secret_reference(value):
            return value_of(field, parse_secret_reference(value))
        if isinstance(value, Mapping):
            return {key: walk(item, field or str(key)) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(walk(item, field) for item in value)
        return value

    resolved = walk(dict(configuration), "")
    fields = frozenset(field for field, _ in find_references(configuration))
    return resolved, fields, used


def redact(text: str, values: list[str]) -> str:
    """`text` with every one of `values` replaced by `****` (longest first)."""
    for value in sorted({v for v in values if v}, key=len, reverse=True):
        text = text.replace(value, MASK)
    return text


def store_lookup(model: Any) -> Lookup:
    """Reads secrets from the store a component record came from (else the active one)."""

    def lookup(name: str) -> Mapping[str, str]:
        store = getattr(model, "_store", None)
        if store is None:
            from stepwell.store.active import get_store

            store = get_store()
        return dict(store.get_secret(name).secret_values)

    return lookup


def component_label(model: Any) -> str:
    """`alerter 'team-hook'`: how messages name a component."""
    kind = getattr(model.type, "value", model.type).replace("_", " ")
    return f"{kind} '{model.name}'"


def mark_from_secrets(config: Any, fields: frozenset[str]) -> Any:
    """Make `config`'s repr show these fields as `****` (they hold secret values)."""
    if fields:
        config._from_secrets = fields
    return config


def fields_from_secrets(config: Any) -> frozenset[str]:
    """The fields of `config` that hold values from secrets."""
    return frozenset(getattr(config, "_from_secrets", frozenset()))


def validated_config(flavor: Any, model: Any, name: str) -> Any:
    """`model`'s configuration with references resolved, validated by `flavor`; its
    validation errors have the resolved values cut out."""
    configuration = model.configuration
    if not find_references(configuration):
        return flavor.validate_config(configuration, name)
    resolved, fields, used = resolve_configuration(
        configuration, store_lookup(model), component_label(model)
    )
    try:
        config = flavor.validate_config(resolved, name)
    except StackComponentConfigError as error:
        message = redact(str(error), used)
    else:
        return mark_from_secrets(config, fields)
    raise StackComponentConfigError(message)  # raised here: no chained error holds a value


def check_stack_secrets(stack: Any) -> None:
    """Before a run: resolve every reference of `stack`'s components (errors name what is
    missing), and have those components resolve again when next used, so a secret changed
    since they were built takes effect."""
    for component in stack.components.values():
        if find_references(component.model.configuration):
            resolve_configuration(
                component.model.configuration,
                store_lookup(component.model),
                component_label(component.model),
            )
            component.forget_configuration()


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list | tuple):
        return [text for item in value for text in _strings(item)]
    return []


def with_overrides(flavor: Any, config: Any, overrides: Mapping[str, Any], name: str) -> Any:
    """`config` with some values replaced (a run's settings), validated again; values from
    secrets stay masked in its repr and are cut out of its errors."""
    fields = fields_from_secrets(config)
    merged = {**config.model_dump(exclude_unset=True), **overrides}
    try:
        validated = flavor.validate_config(merged, name)
    except StackComponentConfigError as error:
        used = [text for field in fields for text in _strings(getattr(config, field, None))]
        message = redact(str(error), used)
    else:
        return mark_from_secrets(validated, fields - set(overrides))
    raise StackComponentConfigError(message)


def check_references_exist(configuration: Mapping[str, Any], store: Any, component: str) -> None:
    """At registration: refuse a reference to a secret or key that does not exist in
    `store`, with the same message a run would give. A store whose secrets cannot be read
    just now (unreachable, no permission, undecryptable) does not block registering: the
    run checks again."""
    if not find_references(configuration):
        return

    def lookup(name: str) -> Mapping[str, str]:
        try:
            return dict(store.get_secret(name).secret_values)
        except EntityNotFoundError:
            raise
        except Exception as error:
            raise _Unreadable(error) from error

    try:
        resolve_configuration(configuration, lookup, component)
    except _Unreadable as unreadable:
        logger.debug("Secret references of the %s not checked: %s", component, unreadable)


class _Unreadable(Exception):
    """The secret store could not answer (not: the secret is missing)."""
