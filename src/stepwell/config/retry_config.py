"""Retry settings for a step: how many more attempts, and how long to wait between them."""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict, field_validator


class StepRetryConfig(BaseModel):
    """Retry a failing step up to `max_retries` times, waiting delay * backoff**k seconds."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    max_retries: int = 1
    delay: float = 0
    backoff: float = 1

    @field_validator("max_retries")
    @classmethod
    def _at_least_one_retry(cls, value: int) -> int:
        if value < 1:
            raise ValueError(
                f"max_retries is how many times a failed step is tried again; it must be at "
                f"least 1, got {value}. To not retry a step, leave `retry` unset."
            )
        return value

    @field_validator("delay")
    @classmethod
    def _delay_not_negative(cls, value: float) -> float:
        if not math.isfinite(value) or value < 0:
            raise ValueError(
                f"delay is the wait in seconds before the first retry; it must be 0 or more "
                f"(and finite), got {value}."
            )
        return value

    @field_validator("backoff")
    @classmethod
    def _backoff_at_least_one(cls, value: float) -> float:
        if not math.isfinite(value) or value < 1:
            raise ValueError(
                f"backoff multiplies the delay after each retry; it must be at least 1 "
                f"(1 keeps the delay constant), got {value}."
            )
        return value
