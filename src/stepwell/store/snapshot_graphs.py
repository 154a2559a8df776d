"""The DAG of a snapshot, without its configuration (layer: store).

A run page draws its run's DAG from the snapshot's spec. The full spec carries every
invocation's configuration, inputs and outputs: about 1 kB per step, 506 kB for a 500-step
pipeline, most of which a drawing never reads. `SnapshotGraph` is what a drawing needs: each
invocation's id and step name, the invocations whose outputs it reads, and its `after=`
order (about 60 bytes a step).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class GraphNode(BaseModel):
    """One invocation of a snapshot's spec and the invocations it waits for."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    id: str  # the invocation id
    step_name: str
    inputs: list[str] = Field(default_factory=list)  # invocations whose outputs it reads
    after: list[str] = Field(default_factory=list)  # `after=` order, without data


class SnapshotGraph(BaseModel):
    """The invocations of a snapshot's spec, in the spec's order."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    snapshot_id: UUID
    invocations: list[GraphNode]


def graph_of(snapshot_id: UUID, spec: dict[str, Any]) -> SnapshotGraph:
    """The graph of a stored spec (its plain JSON form)."""
    nodes = []
    for invocation in spec.get("invocations") or []:
        upstream: list[str] = []
        for binding in (invocation.get("inputs") or {}).values():
            for source in binding.get("artifacts") or []:
                producer = source.get("invocation_id")
                if producer and producer not in upstream:
                    upstream.append(producer)
        nodes.append(
            GraphNode.model_construct(
                id=invocation["id"],
                step_name=invocation.get("step_name") or "",
                inputs=upstream,
                after=list(invocation.get("after") or []),
            )
        )
    return SnapshotGraph.model_construct(snapshot_id=snapshot_id, invocations=nodes)
