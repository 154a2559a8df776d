"""What the ray orchestrator knows of its cluster: the connection, the nodes, what fits.

Connecting is done once per process (`connect`): a process already connected to Ray (the
user called `ray.init`) keeps its connection. The rest is pure and tested on literal node
lists: the Ray resource request of a step (`ResourceSettings` -> `num_cpus`, `num_gpus`,
`memory`, plus custom resources), whether any node could ever hold it (a request no node
can satisfy would pend forever in Ray's queue, so it fails at once instead), and which
hosts the nodes are on (a local-folder artifact store is refused when they are several).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from stepwell.execution.resources import Resources
from stepwell.logger import get_logger

logger = get_logger(__name__)


@dataclass(frozen=True)
class RayNode:
    """One alive node of the cluster: its id, host address and total resources."""

    node_id: str
    ip: str
    resources: Mapping[str, float] = field(default_factory=dict)


def connect(
    address: str | None, runtime_env: dict[str, Any] | None, init_options: dict[str, Any]
) -> None:
    """Connect this process to Ray, unless it is connected already.

    `address=None` lets Ray decide: RAY_ADDRESS, a cluster started on this machine, else a
    new local Ray. Ray is imported here, never when stepwell is."""
    import ray

    if ray.is_initialized():
        return
    # Step output is captured into the step logs (and shown from there) by the worker
    # itself; Ray's own forwarding would print it again, out of place, on this process's
    # stdout (after a `-o json` document, or a quiet run's result line).
    options = {"log_to_driver": False, **init_options}
    if runtime_env:
        options["runtime_env"] = runtime_env
    logger.info("Connecting to Ray at %s.", address or "a local Ray")
    ray.init(address=address, **options)


def alive_nodes() -> list[RayNode]:
    """The cluster's alive nodes, as Ray reports them now."""
    import ray

    return [
        RayNode(node["NodeID"], node["NodeManagerAddress"], dict(node.get("Resources") or {}))
        for node in ray.nodes()
        if node.get("Alive")
    ]


def ray_request(demand: Resources, custom: Mapping[str, float]) -> dict[str, Any]:
    """The task options for a step asking for `demand` and custom resources `custom`.

    A step that asks for no CPUs takes one, Ray's default for a task: so parallelism is
    bounded by the cluster's cores, as on the local orchestrator by the machine's."""
    request: dict[str, Any] = {"num_cpus": demand.cpu or 1.0}
    if demand.gpu:
        request["num_gpus"] = demand.gpu
    if demand.memory:
        request["memory"] = demand.memory
    if custom:
        request["resources"] = dict(custom)
    return request


def _amounts(request: Mapping[str, Any]) -> dict[str, float]:
    amounts = {"CPU": float(request.get("num_cpus", 1.0))}
    if request.get("num_gpus"):
        amounts["GPU"] = float(request["num_gpus"])
    if request.get("memory"):
        amounts["memory"] = float(request["memory"])
    amounts.update(request.get("resources") or {})
    return amounts


def unsatisfiable(request: Mapping[str, Any], nodes: list[RayNode]) -> str | None:
    """Why no node of the cluster could ever run a task with `request`, or None if one can.

    Compared with each node's total (not its free) resources: a busy node frees up, a node
    too small never grows."""
    amounts = _amounts(request)
    for node in nodes:
        if all(node.resources.get(name, 0.0) + 1e-9 >= amount for name, amount in amounts.items()):
            return None
    asked = ", ".join(f"{_describe(name, amount)}" for name, amount in amounts.items())
    if not nodes:
        return f"it asks for {asked}, and the Ray cluster has no alive node"
    largest = {name: max(n.resources.get(name, 0.0) for n in nodes) for name in amounts}
    short = ", ".join(
        f"{_describe(name, largest[name])} at most" if largest[name] else f"no {name}"
        for name, amount in amounts.items()
        if largest[name] + 1e-9 < amount
    )
    have = f"nodes have {short}" if short else "no single node has all of it"
    return (
        f"it asks for {asked}, and no node of the Ray cluster ({len(nodes)} alive) could "
        f"hold that ({have})"
    )


def _describe(name: str, amount: float) -> str:
    if name == "memory":
        return f"{amount / (1 << 30):.2f} GiB of memory"
    return f"{amount:g} {name}"


def hosts(nodes: list[RayNode]) -> set[str]:
    """The distinct host addresses the nodes run on."""
    return {node.ip for node in nodes}
