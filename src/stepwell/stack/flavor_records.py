"""Flavors as records, for `Client().list_flavors()` (ZenML's `FlavorResponse` pages).

Flavors are not stored: they come from the process's flavor registry (stepwell's own and
those that packages add through entry points), so each record is made from a flavor class.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from stepwell.enums import StackComponentType


class FlavorResponse(BaseModel):
    """A stack component flavor: its name, component type and implementation source."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    name: str
    type: StackComponentType
    source: str
    integration: str | None = None  # the distribution of a plugin's flavor; None: built in

    @property
    def config_schema(self) -> dict[str, Any]:
        """The JSON schema of the flavor's component configuration."""
        from stepwell.stack.flavors import flavor_registry

        return flavor_registry().get(self.type, self.name).config_class.model_json_schema()


def flavor_record(flavor: Any) -> FlavorResponse:
    """The record of a flavor class."""
    module = flavor.__module__
    integration = None if module.startswith("stepwell.") else module.split(".")[0]
    return FlavorResponse(
        name=flavor.name,
        type=StackComponentType(flavor.type),
        source=getattr(flavor, "implementation_source", f"{module}:{flavor.__qualname__}"),
        integration=integration,
    )


__all__ = ["FlavorResponse", "flavor_record"]
