"""The state of one step of a run, without its configuration or artifacts (layer: store).

A run page draws every step of a run and follows them while the run goes on. A full
`StepRunResponse` carries the step's configuration, cache key parts and input and output
artifact versions: about 3 kB each, 1.7 MB for a 500-step run. `StepRunState` is what a view
of the run's progress needs (about 300 bytes): which step, its status and times, and which
step runs made its inputs (the edges of a dynamic run, whose spec is written at its end).
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from stepwell.enums import ExecutionStatus


class StepRunState(BaseModel):
    """The latest attempt of one step invocation of a run, in brief."""

    model_config = ConfigDict(frozen=True, extra="forbid")

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
    upstream_step_run_ids: list[UUID] = Field(default_factory=list)
