"""`Pipeline`: a pipeline function plus its configuration (define layer).

Calling a pipeline compiles and runs it; calling it inside another pipeline's function
inlines its steps (composition) and returns its outputs' placeholders.
"""

from __future__ import annotations

import copy
import functools
from typing import Any, Callable, Generic, ParamSpec, TypeVar

from stepwell.compiler.compile import PipelineCall, compile_pipeline, resolve_call
from stepwell.compiler.spec import PipelineSpec
from stepwell.config.pipeline_config import PipelineConfig
from stepwell.config.precedence import PIPELINE_OPTIONS, apply_options, merge_run_configurations
from stepwell.config.run_config import PipelineRunConfiguration
from stepwell.config.run_name import check_run_name_template
from stepwell.config.validation import validated
from stepwell.config.yaml_loader import load_run_configuration, parse_run_configuration
from stepwell.enums import ExecutionMode
from stepwell.exceptions import ConfigurationError
from stepwell.steps.base_step import normalise_option
from stepwell.steps.caller_traceback import for_the_caller
from stepwell.steps.runtime import current_trace, get_runtime
from stepwell.utils.sources import get_source

P = ParamSpec("P")
R = TypeVar("R")


class Pipeline(Generic[P, R]):
    """A pipeline: call it to compile and run it; configure it without changing its code."""

    def __init__(self, entrypoint: Callable[P, R], config: PipelineConfig) -> None:
        self.entrypoint = entrypoint
        functools.update_wrapper(self, entrypoint)  # type: ignore[arg-type]
        self._config = config
        self._run_config: PipelineRunConfiguration | None = None
        self._run_config_source = "run configuration"
        self.source = get_source(self)
        # Dynamic pipelines: the steps whose configuration the run configuration may set.
        self.depends_on: list[Any] = []

    @property
    def __stepwell_source_target__(self) -> Callable[P, R]:
        return self.entrypoint

    @property
    def name(self) -> str:
        return self._config.name

    @property
    def config(self) -> PipelineConfig:
        return self._config

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if current_trace() is not None:  # inside another pipeline: inline its steps
            return self.entrypoint(*args, **kwargs)
        try:
            return get_runtime().run_pipeline(self, args, kwargs)
        except Exception as error:
            # Trimmed, then re-raised bare: the caller's traceback starts at their call and
            # shows stepwell's frames only when asked for (see `steps.caller_traceback`).
            for_the_caller(error)
            raise

    @property
    def model(self) -> Any:
        """This pipeline's stored record, as ZenML's `Pipeline.model` gives it: `.runs`
        (newest first), `.last_run`, `.last_successful_run`, ... (`PipelineResponse`).

        Not the Model control plane: a `@pipeline(model=Model(...))` is in `.config.model`.
        Raises `EntityNotFoundError` if the pipeline has never run.
        """
        return get_runtime().stored_pipeline(self.name)

    @property
    def run_configuration(self) -> PipelineRunConfiguration | None:
        """The run configuration given with `config_path=` (or a trigger), if any."""
        return self._run_config

    @property
    def run_configuration_source(self) -> str:
        """Where the run configuration came from (its file), for error messages."""
        return self._run_config_source

    def resolve(self, *args: Any, **kwargs: Any) -> PipelineCall:
        """This call's configuration (run configuration on top) and bound parameters,
        without tracing: what a dynamic run starts from."""
        return resolve_call(
            self.entrypoint, self._config, args, kwargs, self._run_config, self._run_config_source
        )

    def compile(self, *args: Any, **kwargs: Any) -> tuple[PipelineSpec, PipelineConfig]:
        """Trace the pipeline into a checked spec without running anything."""
        return compile_pipeline(
            self.entrypoint,
            self._config,
            args,
            kwargs,
            source=self.source,
            run_config=self._run_config,
            run_config_source=self._run_config_source,
        )

    def create_snapshot(
        self, name: str, description: str | None = None, replace: bool = False
    ) -> Any:
        """Store this pipeline (spec, configuration, code) as a named snapshot to run later.

        Names are unique per pipeline; `replace=True` renames an older snapshot of the same
        name to `<name>@<its creation time>` (it stays runnable) and takes the name.
        """
        return get_runtime().create_snapshot(self, name, description, replace)

    def write_run_configuration_template(self, path: str, stack: Any = None) -> None:
        """Write a commented YAML template of every run configuration key for this pipeline."""
        from stepwell.pipelines.run_config_template import render_template

        spec = None
        if not self._config.dynamic:  # a dynamic pipeline's steps are known as it runs
            try:
                spec, _ = self.compile()
            except Exception:  # parameters without defaults: a template without steps
                spec = None
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(render_template(self, spec))

    # -- configuration ------------------------------------------------------------------------
    def configure(self, **options: Any) -> Pipeline[P, R]:
        """Change this pipeline's configuration in place; returns the pipeline."""
        merge = options.pop("merge", True)
        self._take_run_configuration(options)
        self._config = merge_pipeline_options(self._config, options, merge)
        return self

    def with_options(self, **options: Any) -> Pipeline[P, R]:
        """A copy of this pipeline with a changed configuration; the original is untouched.

        `config_path=` names a YAML run configuration, which outranks the code's settings;
        `steps={invocation_id: {...}}` sets step options per invocation, over the file's.
        """
        from stepwell.pipelines.step_options import take_step_options

        merge = options.pop("merge", True)
        step_layer = take_step_options(options, f"pipeline '{self.name}'")
        clone = copy.copy(self)
        clone._take_run_configuration(options)
        if step_layer is not None:
            clone._run_config = merge_run_configurations(clone._run_config, step_layer)
        clone._config = merge_pipeline_options(self._config, options, merge)
        return clone

    def _take_run_configuration(self, options: dict[str, Any]) -> None:
        config_path = options.pop("config_path", None)
        run_configuration = options.pop("run_configuration", None)
        layers = [self._run_config]
        if config_path is not None:
            layers.append(load_run_configuration(config_path))
            self._run_config_source = str(config_path)
        if run_configuration is not None:
            if isinstance(run_configuration, dict):
                run_configuration = parse_run_configuration(run_configuration)
            layers.append(run_configuration)
        if len(layers) > 1:
            self._run_config = merge_run_configurations(*layers)

    def __repr__(self) -> str:
        config = self.__dict__.get("_config")
        return f"<pipeline {config.name if config is not None else '?'}>"


def merge_pipeline_options(
    config: PipelineConfig, options: dict[str, Any], merge: bool = True
) -> PipelineConfig:
    """Apply user options (hooks as callables, enums as strings) over a pipeline config."""
    unknown = set(options) - PIPELINE_OPTIONS
    if unknown:
        raise ConfigurationError(
            f"Unknown option(s) {sorted(unknown)} for pipeline '{config.name}'; "
            f"known options: {sorted(PIPELINE_OPTIONS)}."
        )
    owner = f"pipeline '{config.name}'"
    update = {
        key: _execution_mode(value, owner)
        if key == "execution_mode"
        else normalise_option(key, value, owner)
        for key, value in options.items()
    }
    if update.get("run_name") is not None:
        check_run_name_template(update["run_name"])
    current = config.model_dump(exclude_unset=True)
    current["name"] = config.name
    return validated(PipelineConfig, apply_options(current, update, merge), owner)


def _execution_mode(value: Any, owner: str) -> ExecutionMode:
    try:
        if value is None:
            raise ValueError(value)
        return ExecutionMode(value)
    except ValueError:
        allowed = ", ".join(mode.value for mode in ExecutionMode)
        raise ConfigurationError(
            f"{owner}: execution_mode: unknown execution mode {value!r}; use one of {allowed}."
        ) from None
