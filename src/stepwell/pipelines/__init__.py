"""Pipelines: `@pipeline` and `Pipeline` (define layer)."""

from stepwell.pipelines.decorator import pipeline
from stepwell.pipelines.pipeline import Pipeline

__all__ = ["Pipeline", "pipeline"]
