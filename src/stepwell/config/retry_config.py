"""Retry settings for a step: how many more attempts, and how long to wait between them."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class StepRetryConfig(BaseModel):
    """Retry a failing step up to `max_retries` times, waiting delay * backoff**k seconds."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_retries: int = Field(default=1, ge=1)
    delay: float = Field(default=0, ge=0)
    backoff: float = Field(default=1, ge=1)
