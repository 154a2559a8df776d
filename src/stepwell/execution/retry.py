"""Retry backoff (pure): wait delay, delay*backoff, delay*backoff**2, ... between attempts."""

from __future__ import annotations

from stepwell.config.retry_config import StepRetryConfig


def retry_delays(config: StepRetryConfig | None) -> list[float]:
    """The wait before each retry, in order; empty when the step is not retried."""
    if config is None:
        return []
    return [config.delay * config.backoff**index for index in range(config.max_retries)]
