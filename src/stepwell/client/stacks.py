"""The Client's stacks and stack components (delegating to `stepwell.stack`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from stepwell.client.base import ClientBase
from stepwell.enums import StackComponentType
from stepwell.stack import active, registration
from stepwell.stack.registration import ComponentRef
from stepwell.stack.stack import Stack
from stepwell.store.models import StackComponentResponse, StackResponse
from stepwell.store.page import Page

if TYPE_CHECKING:
    from stepwell.stack.flavor_records import FlavorResponse


class StacksMixin(ClientBase):
    """Stacks, the active stack, and stack components."""

    @property
    def active_stack(self) -> Stack:
        """The stack runs run on now: `.name`, `.orchestrator`, `.artifact_store`, `.alerter`."""
        return active.get_active_stack(self.store)

    @property
    def active_stack_model(self) -> StackResponse:
        """The stored record of the active stack."""
        return active.active_stack_model(self.store)

    def activate_stack(self, stack_name_id_or_prefix: str | UUID) -> None:
        """Make a stack the active one, here and in later processes (config.yaml).

        Where STEPWELL_ACTIVE_STACK is set, it still wins.
        """
        active.activate_stack(stack_name_id_or_prefix, self.store)

    def create_stack(
        self, name: str, components: dict[StackComponentType | str, ComponentRef]
    ) -> StackResponse:
        """Register a stack of registered components (type -> name or id of each).

        An orchestrator and an artifact store are required; an alerter is optional.
        """
        return registration.register_stack(self.store, name, components)

    def get_stack(self, name_id_or_prefix: str | UUID | None = None) -> StackResponse:
        """A stack by name, id or id prefix; the active stack if none is given."""
        if name_id_or_prefix is None:
            return self.active_stack_model
        return active.find_stack(self.store, name_id_or_prefix)

    def update_stack(
        self,
        name_id_or_prefix: str | UUID | None = None,
        components: dict[StackComponentType | str, ComponentRef] | None = None,
        component_updates: dict[StackComponentType | str, ComponentRef] | None = None,
    ) -> StackResponse:
        """Replace the stack's component of each given type (None removes an optional one).

        `component_updates` is ZenML's name for `components`. Default: the active stack.
        """
        stack = self.get_stack(name_id_or_prefix)
        changes = {**(component_updates or {}), **(components or {})}
        return registration.update_stack(self.store, stack.id, changes)

    def delete_stack(self, name_id_or_prefix: str | UUID) -> None:
        """Delete a stack (not its components); the default and the active stack stay."""
        registration.delete_stack(self.store, name_id_or_prefix)

    def create_stack_component(
        self,
        name: str,
        flavor: str,
        component_type: StackComponentType | str,
        configuration: dict[str, Any] | None = None,
    ) -> StackComponentResponse:
        """Register a component after checking `configuration` against its flavor."""
        return registration.register_component(
            self.store, name, flavor, component_type, configuration
        )

    def get_stack_component(
        self, component_type: StackComponentType | str, name_id_or_prefix: str | UUID | None = None
    ) -> StackComponentResponse:
        """A component by name, id or id prefix; the active stack's one if none is given."""
        kind = registration.parse_component_type(component_type)
        if name_id_or_prefix is None:
            return self.active_stack.component(kind).model
        active.ensure_default_stack(self.store)
        return self.store.get_stack_component(kind, name_id_or_prefix)

    def update_stack_component(
        self,
        name_id_or_prefix: str | UUID,
        component_type: StackComponentType | str,
        name: str | None = None,
        configuration: dict[str, Any] | None = None,
    ) -> StackComponentResponse:
        """Rename a component or change configuration keys (checked against its flavor)."""
        return registration.update_component(
            self.store, component_type, name_id_or_prefix, name=name, configuration=configuration
        )

    def list_flavors(
        self,
        sort_by: str = "created",
        page: int = 1,
        size: int = 50,
        logical_operator: str = "and",
        name: str | None = None,
        type: StackComponentType | str | None = None,
        integration: str | None = None,
        hydrate: bool = False,
    ) -> Page[FlavorResponse]:
        """One page of the flavors components can be registered with (stepwell's own and
        plugins'), by type and name; `name`, `type` and `integration` filter exactly, and
        `sort_by` may name `name` or `type` (with `asc:`/`desc:`)."""
        from stepwell.stack.flavor_records import flavor_record
        from stepwell.stack.flavors import flavor_registry

        kind = None if type is None else registration.parse_component_type(type)
        records = [flavor_record(flavor) for flavor in flavor_registry().list(kind)]
        wanted = {"name": name, "integration": integration}
        checks = [(field, value) for field, value in wanted.items() if value is not None]
        if checks:
            test = any if getattr(logical_operator, "value", logical_operator) == "or" else all
            records = [r for r in records if test(getattr(r, f) == v for f, v in checks)]
        order, _, field = sort_by.rpartition(":")
        if field in ("name", "type"):
            records.sort(key=lambda r: str(getattr(r, field)), reverse=order == "desc")
        if page < 1 or size < 1:
            raise ValueError("page and size must be 1 or more.")
        start = (page - 1) * size
        return Page.of(records[start : start + size], total=len(records), index=page, max_size=size)

    def delete_stack_component(
        self, name_id_or_prefix: str | UUID, component_type: StackComponentType | str
    ) -> None:
        """Delete a component that no stack uses."""
        registration.delete_component(self.store, component_type, name_id_or_prefix)
