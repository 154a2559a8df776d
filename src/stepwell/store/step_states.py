"""The state of one step of a run, without its configuration or artifacts (layer: store).

A run page draws every step of a run and follows them while the run goes on. A full
`StepRunResponse` carries the step's configuration, cache key parts and input and output
artifact versions: about 3 kB each, 1.7 MB for a 500-step run. `StepRunState` is what a view
of the run's progress needs (about 300 bytes): which step, its status and times, and which
step runs made its inputs (the edges of a dynamic run, whose spec is written at its end).

It is a plain frozen dataclass, not a pydantic model: the SQL store builds one per step from
its own typed columns (nothing to validate), and a run page asks for hundreds of them every
load; pydantic still validates it where it crosses the wire (the REST client's answers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from stepwell.enums import ExecutionStatus


@dataclass(frozen=True, slots=True, kw_only=True)
class StepRunState:
    """The latest attempt of one step invocation of a run, in brief."""

    id: UUID
    name: str  # the invocation id
    status: ExecutionStatus
    attempt: int = 1
    start_time: datetime | None = None
    end_time: datetime | None = None
    created: datetime
    updated: datetime
    original_step_run_id: UUID | None = None  # the step run a cache hit reused
    # The step runs that produced its input artifacts (of this run or, if cached, others).
    upstream_step_run_ids: list[UUID] = field(default_factory=list)
