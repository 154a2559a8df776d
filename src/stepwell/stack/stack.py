"""`Stack`: the live form of a stored stack, handing out its components' implementations.

Where the orchestrate and launch stages of the define -> compile -> orchestrate -> launch ->
store -> read flow get their orchestrator, artifact store and alerter. Built from the store's
`StackResponse`; implementations are made on first use. Orchestrators hold the state of the
run they drive, so `orchestrator` makes a new one on each access; the artifact store and the
alerter are made once and reused.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from stepwell.alerters.base import BaseAlerter
from stepwell.artifact_stores.base import BaseArtifactStore
from stepwell.enums import StackComponentType
from stepwell.exceptions import StackValidationError
from stepwell.stack.components import StackComponent
from stepwell.stack.flavors import FlavorRegistry
from stepwell.store.models import StackResponse

REQUIRED_TYPES = (StackComponentType.ORCHESTRATOR, StackComponentType.ARTIFACT_STORE)


class Stack:
    """A named set of components: `.orchestrator`, `.artifact_store`, `.alerter` (or None)."""

    def __init__(self, model: StackResponse, registry: FlavorRegistry | None = None) -> None:
        self.model = model
        self.components: dict[StackComponentType, StackComponent] = {
            kind: StackComponent(component, registry)
            for kind, component in model.components.items()
        }

    def __repr__(self) -> str:
        parts = ", ".join(f"{kind.value}={c.name!r}" for kind, c in self.components.items())
        return f"Stack({self.name!r}: {parts})"

    @property
    def name(self) -> str:
        return self.model.name

    @property
    def id(self) -> UUID:
        return self.model.id

    @property
    def updated(self) -> datetime:
        """When the stack or one of its components last changed."""
        return self.model.updated

    def component(self, kind: StackComponentType | str) -> StackComponent:
        """The stack's component of type `kind` (StackValidationError if it has none)."""
        found = self.components.get(StackComponentType(kind))
        if found is None:
            raise StackValidationError(
                f"Stack '{self.name}' has no {StackComponentType(kind).value}; add one with "
                f"Client().update_stack('{self.name}', components={{...}})."
            )
        return found

    @property
    def orchestrator(self) -> Any:
        """A new orchestrator (a `BaseOrchestrator`) built from the stack's configuration."""
        return self.make_orchestrator()

    def make_orchestrator(self, **overrides: Any) -> Any:
        """A new orchestrator; `overrides` (e.g. a run's settings) replace configured values."""
        return self.component(StackComponentType.ORCHESTRATOR).build(**overrides)

    @property
    def artifact_store(self) -> BaseArtifactStore:
        """Where this stack keeps artifact bytes."""
        store: BaseArtifactStore = self.component(StackComponentType.ARTIFACT_STORE).shared()
        return store

    @property
    def alerter(self) -> BaseAlerter | None:
        """The stack's alerter, or None if it has none."""
        component = self.components.get(StackComponentType.ALERTER)
        if component is None:
            return None
        alerter: BaseAlerter = component.shared()
        return alerter
