"""`@step` and `@step(...)`: turn a plain function into a `BaseStep` (define layer)."""

from __future__ import annotations

from typing import Any, Callable, ParamSpec, TypeVar, overload

from stepwell.config.retry_config import StepRetryConfig
from stepwell.steps.base_step import BaseStep, make_step
from stepwell.steps.hooks import HookSpec

P = ParamSpec("P")
R = TypeVar("R")


@overload
def step(_func: Callable[P, R]) -> BaseStep[P, R]: ...


@overload
def step(
    *,
    name: str | None = None,
    enable_cache: bool | None = None,
    enable_artifact_metadata: bool | None = None,
    enable_artifact_visualization: bool | None = None,
    enable_step_logs: bool | None = None,
    experiment_tracker: bool | str | None = None,
    step_operator: bool | str | None = None,
    output_materializers: Any = None,
    settings: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    environment: dict[str, str] | None = None,
    on_success: HookSpec | None = None,
    on_failure: HookSpec | None = None,
    retry: StepRetryConfig | None = None,
    cache_policy: Any = None,
    model: Any = None,
) -> Callable[[Callable[P, R]], BaseStep[P, R]]: ...


def step(
    _func: Callable[P, R] | None = None,
    *,
    name: str | None = None,
    enable_cache: bool | None = None,
    enable_artifact_metadata: bool | None = None,
    enable_artifact_visualization: bool | None = None,
    enable_step_logs: bool | None = None,
    experiment_tracker: bool | str | None = None,
    step_operator: bool | str | None = None,
    output_materializers: Any = None,
    settings: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    environment: dict[str, str] | None = None,
    on_success: HookSpec | None = None,
    on_failure: HookSpec | None = None,
    retry: StepRetryConfig | None = None,
    cache_policy: Any = None,
    model: Any = None,
) -> BaseStep[P, R] | Callable[[Callable[P, R]], BaseStep[P, R]]:
    """Make a function a pipeline step; nothing runs at decoration time."""
    options = {
        "name": name,
        "enable_cache": enable_cache,
        "enable_artifact_metadata": enable_artifact_metadata,
        "enable_artifact_visualization": enable_artifact_visualization,
        "enable_step_logs": enable_step_logs,
        "experiment_tracker": experiment_tracker,
        "step_operator": step_operator,
        "output_materializers": output_materializers,
        "settings": settings,
        "extra": extra,
        "environment": environment,
        "on_success": on_success,
        "on_failure": on_failure,
        "retry": retry,
        "cache_policy": cache_policy,
        "model": model,
    }

    def decorate(func: Callable[P, R]) -> BaseStep[P, R]:
        return make_step(func, **options)

    return decorate(_func) if _func is not None else decorate
