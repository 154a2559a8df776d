"""`@pipeline` and `@pipeline(...)`: turn a function into a `Pipeline` (define layer)."""

from __future__ import annotations

from typing import Any, Callable, ParamSpec, TypeVar, overload

from stepwell.config.pipeline_config import PipelineConfig
from stepwell.pipelines.pipeline import Pipeline, merge_pipeline_options

P = ParamSpec("P")
R = TypeVar("R")


@overload
def pipeline(_func: Callable[P, R]) -> Pipeline[P, R]: ...


@overload
def pipeline(
    *,
    name: str | None = None,
    **options: Any,
) -> Callable[[Callable[P, R]], Pipeline[P, R]]: ...


def pipeline(
    _func: Callable[P, R] | None = None, *, name: str | None = None, **options: Any
) -> Pipeline[P, R] | Callable[[Callable[P, R]], Pipeline[P, R]]:
    """Make a function a pipeline. Options: enable_cache, execution_mode, settings, extra,
    environment, tags, substitutions, on_success, on_failure, retry, cache_policy, ...

    As in ZenML, `run_name` is set with `with_options`, not on the decorator.
    """
    if "run_name" in options:
        from stepwell.exceptions import ConfigurationError

        raise ConfigurationError(
            "@pipeline does not take run_name; set it per run with "
            "`my_pipeline.with_options(run_name=...)`."
        )

    def decorate(func: Callable[P, R]) -> Pipeline[P, R]:
        config = merge_pipeline_options(PipelineConfig(name=name or func.__name__), options)
        return Pipeline(func, config)

    return decorate(_func) if _func is not None else decorate
