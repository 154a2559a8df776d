"""Stack components as a stack uses them: a stored component plus its flavor and config.

`StackComponent` wraps the store's `StackComponentResponse` and, on first use, looks up its
flavor and validates its configuration, so a stack whose alerter plugin is missing can still
name its orchestrator. `build()` makes an instance of the flavor's implementation (and
`shared()` reuses one): what the orchestrate and launch stages of the define -> compile ->
orchestrate -> launch -> store -> read flow actually call.
"""

from __future__ import annotations

import builtins
from functools import cached_property
from typing import Any
from uuid import UUID

from stepwell.enums import StackComponentType
from stepwell.stack.flavors import ComponentConfig, Flavor, FlavorRegistry, flavor_registry
from stepwell.stack.secret_references import validated_config, with_overrides
from stepwell.store.models import StackComponentResponse


class StackComponent:
    """One component of a stack: name, type, flavor and validated configuration."""

    def __init__(
        self, model: StackComponentResponse, registry: FlavorRegistry | None = None
    ) -> None:
        self.model = model
        self._registry = registry
        self._shared: tuple[dict[str, Any], Any] | None = None

    def __repr__(self) -> str:
        return f"StackComponent({self.type.value}, {self.name!r}, flavor={self.model.flavor!r})"

    @property
    def id(self) -> UUID:
        return self.model.id

    @property
    def name(self) -> str:
        return self.model.name

    @property
    def type(self) -> StackComponentType:
        return self.model.type

    @cached_property
    def flavor(self) -> builtins.type[Flavor]:
        """The flavor class (UnknownFlavorError if no registry or plugin provides it)."""
        return (self._registry or flavor_registry()).get(self.type, self.model.flavor)

    @cached_property
    def config(self) -> ComponentConfig:
        """The configuration, validated by the flavor's config model, with its
        `{{secret.key}}` references resolved (the stored configuration keeps them)."""
        config: ComponentConfig = validated_config(self.flavor, self.model, self.name)
        return config

    def forget_configuration(self) -> None:
        """Resolve and validate the configuration again when next used (secrets changed)."""
        self.__dict__.pop("config", None)

    def build(self, **overrides: Any) -> Any:
        """A new instance of the implementation; `overrides` replace configuration values."""
        config = self.config
        if overrides:
            config = with_overrides(self.flavor, config, overrides, self.name)
        return self.flavor.build(config)

    def shared(self) -> Any:
        """One instance for repeated use, remade when the arguments it is built with change.

        (An unset artifact store path follows STEPWELL_ARTIFACT_STORE_PATH, for example.)
        """
        kwargs = self.flavor.implementation_kwargs(self.config)
        if self._shared is None or self._shared[0] != kwargs:
            self._shared = (kwargs, self.flavor.build(self.config))
        return self._shared[1]
