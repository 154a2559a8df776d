"""`@pipeline` and `@pipeline(...)`: turn a function into a `Pipeline` (define layer)."""

from __future__ import annotations

from typing import Any, Callable, ParamSpec, TypeVar, overload

from stepwell.config.pipeline_config import PipelineConfig
from stepwell.pipelines.depends_on import checked_depends_on
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

    depends_on = options.pop("depends_on", None)

    def decorate(func: Callable[P, R]) -> Pipeline[P, R]:
        config = merge_pipeline_options(PipelineConfig(name=name or func.__name__), options)
        made = Pipeline(func, config)
        made.depends_on = checked_depends_on(config.name, config.dynamic, depends_on)
        return made

    return decorate(_func) if _func is not None else decorate
