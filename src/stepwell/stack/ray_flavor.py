"""The `ray` orchestrator flavor: its configuration, its run settings and how it is built.

A stack with a `ray` orchestrator runs each step attempt as one Ray task on a Ray cluster
(`orchestrators/ray_orchestrator.py`). Reading or validating this configuration imports no
Ray: the implementation is named by source and loaded only when a stack builds it.

Configuration (and run settings, which win: `settings={"orchestrator": {...}}`):

- `address`: the cluster to use, `ray://head:10001` (Ray Client) or a cluster's GCS
  address (`10.0.0.5:6379`); unset, stepwell uses the Ray this process is already connected
  to, or starts a local one.
- `runtime_env`: Ray's runtime environment for the run's tasks (`pip`, `env_vars`,
  `working_dir`, ...), given when stepwell connects.
- `init_options`: further keyword arguments for `ray.init` (`namespace`, `num_cpus` of a
  local Ray, ...).
- `custom_resources`: custom Ray resources every step asks for (`{"gpu_node": 1}`); a step's
  own `settings={"orchestrator": {"custom_resources": {...}}}` replaces them for that step.
- `ship_code`: send the user's steps, hooks and materializers (and the user's modules they
  use) to the workers by value, so no shared filesystem or installed copy is needed (on by
  default; turn it off when the workers' image or `runtime_env` already has the code).
- `max_parallelism`: at most this many steps at once (default: no limit; Ray queues tasks
  until the cluster has room).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StrictBool, field_validator

from stepwell.enums import StackComponentType
from stepwell.stack.flavors import ComponentConfig, Flavor
from stepwell.stack.orchestrator_settings import OrchestratorSettings

# Ray's own resource names: asked for through `resources` (ResourceSettings), not here.
BUILTIN_RAY_RESOURCES = frozenset({"CPU", "GPU", "memory", "object_store_memory"})
CustomResources = dict[str, Annotated[float, Field(gt=0, allow_inf_nan=False)]]


def _check_custom(value: dict[str, float] | None) -> dict[str, float] | None:
    if value:
        clash = sorted(BUILTIN_RAY_RESOURCES & set(value))
        if clash:
            raise ValueError(
                f"{', '.join(clash)} cannot be a custom resource; ask for CPUs, GPUs and memory "
                "with settings['resources'] (ResourceSettings) instead"
            )
    return value


class RayOrchestratorSettings(OrchestratorSettings):
    """What a run or a step may set for the ray orchestrator (they win over its config)."""

    address: str | None = None
    runtime_env: dict[str, Any] | None = None
    custom_resources: CustomResources | None = None
    ship_code: StrictBool | None = None
    max_parallelism: Annotated[int, Field(ge=1, strict=True)] | None = None

    @field_validator("custom_resources")
    @classmethod
    def _custom(cls, value: dict[str, float] | None) -> dict[str, float] | None:
        return _check_custom(value)


class RayOrchestratorConfig(ComponentConfig):
    """How the ray orchestrator reaches its cluster and what every step asks of it."""

    address: str | None = None
    runtime_env: dict[str, Any] | None = None
    init_options: dict[str, Any] = Field(default_factory=dict)
    custom_resources: CustomResources = Field(default_factory=dict)
    ship_code: Annotated[bool, Field(strict=True)] = True
    max_parallelism: Annotated[int, Field(ge=1, strict=True)] | None = None
    synchronous: Annotated[bool, Field(strict=True)] = True

    @field_validator("custom_resources")
    @classmethod
    def _custom(cls, value: dict[str, float]) -> dict[str, float]:
        return _check_custom(value) or {}

    @field_validator("address")
    @classmethod
    def _not_empty(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("must not be empty; leave it out to use a local Ray")
        return value


class RayOrchestratorFlavor(Flavor):
    type = StackComponentType.ORCHESTRATOR
    name = "ray"
    config_class = RayOrchestratorConfig
    settings_class = RayOrchestratorSettings
    implementation_source = "stepwell.orchestrators.ray_orchestrator:RayOrchestrator"

    @classmethod
    def implementation_kwargs(cls, config: Any) -> dict[str, Any]:
        # `synchronous` is about how a run is submitted, not how steps launch.
        fields = dict(config)
        fields.pop("synchronous", None)
        return fields
