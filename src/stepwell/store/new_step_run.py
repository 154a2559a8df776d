"""`NewStepRun`: a step run about to be recorded (store layer; plain data, no pydantic cost).

Re-exported by `stepwell.store.models`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from uuid import UUID, uuid4

from stepwell.config.step_config import StepConfig
from stepwell.enums import ExecutionStatus


@dataclass
class NewStepRun:
    """A step run to record: what `Store.create_step_runs` writes, several in one transaction.

    The id and creation time are fixed when the record is made, so a caller can hand the id
    out (and order records by time) before the record is written. Cache hits are buffered as
    these and written in batches (see `RunContext.record_later`).
    """

    pipeline_run_id: UUID
    name: str
    step_name: str
    config: StepConfig
    status: ExecutionStatus
    inputs: dict[str, list[UUID]]
    outputs: dict[str, list[UUID]] = field(default_factory=dict)
    start_time: datetime | None = None
    end_time: datetime | None = None
    attempt: int = 1
    cache_key: str | None = None
    cache_components: dict[str, str] = field(default_factory=dict)
    original_step_run_id: UUID | None = None
    source_code_hash: str | None = None
    logs_uri: str | None = None
    status_message: str | None = None
    # The model version its outputs are linked to (see `model_records`), if its step has one.
    model_version_id: UUID | None = None
    id: UUID = field(default_factory=uuid4)
    created: datetime = field(default_factory=lambda: datetime.now(timezone.utc))


__all__ = ["NewStepRun"]
