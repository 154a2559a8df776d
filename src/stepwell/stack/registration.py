"""Registering, changing and deleting stack components and stacks, with their rules checked.

The Client's stack methods delegate here. Before anything reaches the store, a component's
configuration is validated against its flavor, and a stack must keep an orchestrator and an
artifact store; the default and the active stack cannot be deleted. These are the records
the orchestrate stage of the define -> compile -> orchestrate -> launch -> store -> read flow
later builds its stack from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Union
from uuid import UUID

from stepwell.enums import StackComponentType
from stepwell.exceptions import EntityInUseError, EntityNotFoundError, StackValidationError
from stepwell.stack.active import (
    DEFAULT_STACK,
    active_stack_model,
    ensure_default_stack,
    find_stack,
)
from stepwell.stack.flavors import flavor_registry
from stepwell.stack.secret_references import check_references_exist, component_label
from stepwell.stack.stack import REQUIRED_TYPES
from stepwell.store.base import Store
from stepwell.store.models import StackComponentResponse, StackResponse

ComponentRef = Union[str, UUID, list[Union[str, UUID]], None]


def parse_component_type(value: StackComponentType | str, hint: str = "") -> StackComponentType:
    """`value` as a component type; anything else is a StackValidationError listing the types."""
    try:
        return StackComponentType(value)
    except ValueError:
        known = ", ".join(kind.value for kind in StackComponentType)
        raise StackValidationError(
            f"Unknown stack component type {value!r}; use one of: {known}.{hint}"
        ) from None


def register_component(
    store: Store,
    name: str,
    flavor: str,
    component_type: StackComponentType | str,
    configuration: Mapping[str, Any] | None = None,
) -> StackComponentResponse:
    """Validate `configuration` against the flavor, then record the component."""
    swapped = (
        f" (Did you swap flavor and component_type? {flavor!r} is a component type.)"
        if flavor in {kind.value for kind in StackComponentType}
        else ""
    )
    kind = parse_component_type(component_type, swapped)
    config = flavor_registry().get(kind, flavor).validate_config(dict(configuration or {}), name)
    check_references_exist(configuration or {}, store, f"{kind.value.replace('_', ' ')} '{name}'")
    ensure_default_stack(store)  # first, so a user's component named "default" stays theirs
    return store.create_stack_component(
        name=name,
        type=kind,
        flavor=flavor,
        configuration=config.model_dump(mode="json", exclude_unset=True),
    )


def update_component(
    store: Store,
    component_type: StackComponentType | str,
    name_or_id: str | UUID,
    *,
    name: str | None = None,
    configuration: Mapping[str, Any] | None = None,
) -> StackComponentResponse:
    """Rename a component and/or change configuration keys (a None value unsets a key)."""
    current = store.get_stack_component(parse_component_type(component_type), name_or_id)
    merged = None
    if configuration is not None:
        merged = {**current.configuration, **configuration}
        merged = {key: value for key, value in merged.items() if value is not None}
        flavor = flavor_registry().get(current.type, current.flavor)
        config = flavor.validate_config(merged, name or current.name)
        # Only the keys changed now: an unchanged one is checked when the stack runs.
        check_references_exist(configuration, store, component_label(current))
        merged = config.model_dump(mode="json", exclude_unset=True)
    return store.update_stack_component(current.id, name=name, configuration=merged)


def delete_component(
    store: Store, component_type: StackComponentType | str, name_or_id: str | UUID
) -> None:
    """Delete a component that no stack uses (EntityInUseError names the stacks that do)."""
    component = store.get_stack_component(parse_component_type(component_type), name_or_id)
    store.delete_stack_component(component.id)


def _component_ids(
    store: Store, components: Mapping[StackComponentType | str, ComponentRef]
) -> dict[StackComponentType | str, UUID | None]:
    """Type -> component id; a component is given by name, id, or a list of at most one."""
    ensure_default_stack(store)  # its components may be named
    ids: dict[StackComponentType | str, UUID | None] = {}
    for key, value in components.items():
        kind = parse_component_type(key)
        if isinstance(value, (list, tuple)):
            if len(value) > 1:
                raise StackValidationError(
                    f"A stack has at most one {kind.value}; got {len(value)}: {list(value)}."
                )
            value = value[0] if value else None
        ids[kind] = None if value is None else store.get_stack_component(kind, value).id
    return ids


def _check_required(name: str, kinds: set[StackComponentType]) -> None:
    missing = [kind.value.replace("_", " ") for kind in REQUIRED_TYPES if kind not in kinds]
    if missing:
        raise StackValidationError(
            f"Stack '{name}' needs an orchestrator and an artifact store; it would have no "
            f"{' and no '.join(missing)}. Give components={{'orchestrator': ..., "
            "'artifact_store': ...} with the names or ids of registered components."
        )


def register_stack(
    store: Store, name: str, components: Mapping[StackComponentType | str, ComponentRef]
) -> StackResponse:
    """Record a stack of registered components (by type: name or id of each)."""
    ids: dict[StackComponentType | str, UUID] = {
        kind: item for kind, item in _component_ids(store, components).items() if item
    }
    _check_required(name, {StackComponentType(kind) for kind in ids})
    return store.create_stack(name=name, components=ids)


def update_stack(
    store: Store,
    name_or_id: str | UUID,
    components: Mapping[StackComponentType | str, ComponentRef],
) -> StackResponse:
    """Swap the stack's component of each given type (None removes an optional one)."""
    current = find_stack(store, name_or_id)
    changes = _component_ids(store, components)
    kept = {kind for kind in current.components if kind not in changes}
    added = {StackComponentType(kind) for kind, item in changes.items() if item}
    _check_required(current.name, kept | added)
    return store.update_stack(current.id, components=changes)


def delete_stack(store: Store, name_or_id: str | UUID) -> None:
    """Delete a stack, but never the default one nor the active one."""
    stack = store.get_stack(name_or_id)
    if stack.name == DEFAULT_STACK:
        raise EntityInUseError("The default stack cannot be deleted; runs fall back to it.")
    try:
        active = active_stack_model(store)
    except EntityNotFoundError:  # STEPWELL_ACTIVE_STACK names no stack: none is active
        active = None
    if active is not None and active.id == stack.id:
        raise EntityInUseError(
            f"Stack '{stack.name}' is the active stack; activate another one "
            "(Client().activate_stack(...)) before deleting it."
        )
    store.delete_stack(stack.id)
