"""Resource amounts as plain data: what a step asks for, what a machine has (pure).

The scheduler takes each step's demand and the orchestrator's capacity as `Resources` and
never starts steps whose demands together exceed it; before a run starts, a step asking
for more than the capacity alone is refused with an error naming it. A step without
`resources` settings asks for nothing and is bounded only by `max_parallelism`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from stepwell.exceptions import ResourceSettingsError


@dataclass(frozen=True)
class Resources:
    """An amount of CPUs (cores, may be fractional), GPUs and memory (bytes)."""

    cpu: float = 0.0
    gpu: int = 0
    memory: int = 0

    def __add__(self, other: Resources) -> Resources:
        return Resources(self.cpu + other.cpu, self.gpu + other.gpu, self.memory + other.memory)

    def __sub__(self, other: Resources) -> Resources:
        return Resources(self.cpu - other.cpu, self.gpu - other.gpu, self.memory - other.memory)

    @property
    def is_zero(self) -> bool:
        return not (self.cpu or self.gpu or self.memory)

    def fits_in(self, capacity: Resources) -> bool:
        """Whether this amount is within `capacity` in every resource."""
        return not self.exceeding(capacity)

    def exceeding(self, capacity: Resources) -> list[str]:
        """What of this amount is beyond `capacity`, one description per resource."""
        problems = []
        if self.cpu > capacity.cpu + 1e-9:
            problems.append(f"{self.cpu:g} CPUs (the machine has {capacity.cpu:g})")
        if self.gpu > capacity.gpu:
            problems.append(f"{self.gpu} GPUs (the machine has {capacity.gpu})")
        if self.memory > capacity.memory:
            problems.append(
                f"{_gib(self.memory)} of memory (the machine has {_gib(capacity.memory)})"
            )
        return problems


def _gib(amount: int) -> str:
    return f"{amount / (1 << 30):.2f} GiB"


def demand_of(settings: Mapping[str, Any], owner: str) -> Resources:
    """What a step's `settings` ask for (`settings["resources"]`); nothing if unset."""
    value = settings.get("resources")
    if value is None:
        return Resources()
    from stepwell.config.resource_settings import parse_resource_settings

    parsed = parse_resource_settings(value, owner)
    return Resources(
        cpu=float(parsed.cpu_count or 0.0),
        gpu=int(parsed.gpu_count or 0),
        memory=int(parsed.memory_bytes() or 0),
    )


def demands_of(invocations: Iterable[Any]) -> dict[str, Resources]:
    """Each invocation's demand, for those that ask for something (a spec's invocations)."""
    demands = {}
    for invocation in invocations:
        demand = demand_of(invocation.config.settings, f"step '{invocation.id}'")
        if not demand.is_zero:
            demands[invocation.id] = demand
    return demands


def check_fits(demands: Mapping[str, Resources], capacity: Resources | None) -> None:
    """Refuse, naming the step, any step that asks for more than `capacity` on its own."""
    if capacity is None:
        return
    for invocation_id, demand in demands.items():
        problems = demand.exceeding(capacity)
        if problems:
            raise ResourceSettingsError(
                f"Step '{invocation_id}' asks for {'; '.join(problems)}, so it could never "
                "run on this machine. Lower its settings['resources'] or run it on a stack "
                "whose orchestrator has more."
            )
