"""Configuration models: frozen pydantic values for steps, pipelines, retries and caching.

The bottom layer of the package: everything else may import it, it imports nothing of ours
but `enums` and `exceptions`. Names are loaded lazily so that `import stepwell.config`
stays free of pydantic until a model is used.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "CachePolicy": "stepwell.config.cache_policy",
    "DockerSettings": "stepwell.config.docker_settings",
    "PythonEnvironmentExportMethod": "stepwell.config.docker_settings",
    "PythonPackageInstaller": "stepwell.config.docker_settings",
    "ResourceSettings": "stepwell.config.resource_settings",
    "StepRetryConfig": "stepwell.config.retry_config",
    "StepConfig": "stepwell.config.step_config",
    "PipelineConfig": "stepwell.config.pipeline_config",
    "Schedule": "stepwell.config.schedule",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'stepwell.config' has no attribute '{name}'")
    return getattr(importlib.import_module(module), name)
