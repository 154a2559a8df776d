"""`BaseStep`: a step function plus its inputs, outputs and configuration (define layer).

Calling a step inside a pipeline function records an invocation in the current trace and
returns placeholders for its outputs; inside a running step it is the plain function (as in
ZenML); anywhere else the runtime (`steps.runtime`) runs it as a one-step run (or the plain
function is called when STEPWELL_RUN_SINGLE_STEPS_WITHOUT_STACK is on).
"""

from __future__ import annotations

import copy
import functools
import inspect
from typing import Any, Callable, Generic, ParamSpec, TypeVar

from stepwell.config import environment
from stepwell.config.cache_policy import CachePolicy
from stepwell.config.precedence import STEP_OPTIONS, apply_options
from stepwell.config.retry_config import StepRetryConfig
from stepwell.config.step_config import StepConfig
from stepwell.config.validation import validated
from stepwell.exceptions import CachePolicyError, MaterializerError, StepDefinitionError
from stepwell.materializers.base_materializer import BaseMaterializer
from stepwell.steps.caller_traceback import for_the_caller
from stepwell.steps.hooks import resolve_hook
from stepwell.steps.runtime import current_trace, get_runtime
from stepwell.steps.signature import InputSpec, OutputSpec, parse_inputs, parse_outputs
from stepwell.steps.step_context import in_running_step
from stepwell.utils.names import name_problem
from stepwell.utils.sources import get_source

P = ParamSpec("P")
R = TypeVar("R")


# The key a single materializer is held under until the step spreads it over its outputs.
ALL_OUTPUTS = "*"


class BaseStep(Generic[P, R]):
    """A step: call it in a pipeline to add it to the DAG, or alone to run it once."""

    def __init__(self, entrypoint: Callable[P, R], config: StepConfig | None = None) -> None:
        self.entrypoint = entrypoint
        functools.update_wrapper(self, entrypoint)  # type: ignore[arg-type]
        enforce = environment.enforce_type_annotations()
        self.inputs: dict[str, InputSpec] = parse_inputs(entrypoint, enforce)
        self.outputs: dict[str, OutputSpec] = parse_outputs(entrypoint, enforce)
        self.source = get_source(self)
        self.static_id = id(self)  # which `depends_on` entry of a dynamic pipeline this is
        self._config = config or StepConfig(name=entrypoint.__name__)
        self._config = self._checked(self._config)

    # The source reference names the user's function; `load_source` returns this step.
    @property
    def __stepwell_source_target__(self) -> Callable[P, R]:
        return self.entrypoint

    @property
    def config(self) -> StepConfig:
        return self._config

    @functools.cached_property
    def signature(self) -> inspect.Signature:
        """The step function's signature (computed once: every call of the step binds it)."""
        return inspect.signature(self.entrypoint)

    @property
    def name(self) -> str:
        """The step's name: its configured `name` (`with_options(name=...)`), else the
        function's."""
        return self._config.name or self.entrypoint.__name__

    @property
    def enable_cache(self) -> bool | None:
        return self._config.enable_cache

    def __call__(self, *args: Any, id: str | None = None, after: Any = None, **kwargs: Any) -> Any:
        if in_running_step():  # a step called by a running step is a plain function (ZenML)
            return self.entrypoint(*args, **kwargs)
        trace = current_trace()
        if trace is not None:
            return trace.add_invocation(self, args, kwargs, custom_id=id, after=after)
        if id is not None or after is not None:
            raise StepDefinitionError(
                f"`id=` and `after=` only make sense when step '{self.name}' is called "
                "inside a pipeline function."
            )
        if environment.run_single_steps_without_stack():
            return self.entrypoint(*args, **kwargs)
        try:
            return get_runtime().run_single_step(self, args, kwargs)
        except Exception as error:
            # As for a pipeline call: the caller's traceback starts at their call.
            for_the_caller(error)
            raise

    def call_entrypoint(self, *args: Any, **kwargs: Any) -> Any:
        """Call the step's function directly: no run, no artifacts (as ZenML's). Arguments
        are checked and coerced against its annotations first (`"5"` for an `int` gives 5);
        ones that do not fit raise `StepInterfaceError`. An `async def` step is run to its
        end."""
        from stepwell.steps.entrypoint_call import validated_arguments
        from stepwell.utils.async_calls import call

        return call(self.entrypoint, **validated_arguments(self, args, kwargs))

    # -- dynamic pipelines -------------------------------------------------------------------
    def submit(self, *args: Any, id: str | None = None, after: Any = None, **kwargs: Any) -> Any:
        """Start this step without waiting; returns a future (`.result()`, `.load()`, `.wait()`)."""
        return self._dynamic_trace("submit").submit(self, args, kwargs, custom_id=id, after=after)

    def map(self, *, after: Any = None, **kwargs: Any) -> Any:
        """One run of this step per element of the sequence inputs (zipped); `unmapped(x)`
        passes an input whole. Returns the futures, usable as one list input downstream."""
        return self._dynamic_trace("map").map(self, kwargs, product=False, after=after)

    def product(self, *, after: Any = None, **kwargs: Any) -> Any:
        """Like `map`, over the cartesian product of the sequence inputs."""
        return self._dynamic_trace("product").map(self, kwargs, product=True, after=after)

    def _dynamic_trace(self, method: str) -> Any:
        trace = current_trace()
        if trace is None or not hasattr(trace, "map"):
            raise StepDefinitionError(
                f"`{self.name}.{method}(...)` only works inside a dynamic pipeline: decorate the "
                "pipeline with @pipeline(dynamic=True)."
            )
        return trace

    # -- configuration ------------------------------------------------------------------------
    def configure(self, **options: Any) -> BaseStep[P, R]:
        """Change this step's configuration in place; returns the step."""
        merge = options.pop("merge", True)
        self._config = self._merged(options, merge)
        return self

    def with_options(self, **options: Any) -> BaseStep[P, R]:
        """A copy of this step with a changed configuration; the original is untouched."""
        merge = options.pop("merge", True)
        clone = copy.copy(self)
        clone._config = self._merged(options, merge)
        if not hasattr(current_trace(), "map"):
            # A copy is a step of its own, except inside a dynamic pipeline, where it still
            # takes the configuration of the `depends_on` entry it was copied from (ZenML).
            clone.static_id = id(clone)
        return clone

    def _merged(self, options: dict[str, Any], merge: bool) -> StepConfig:
        update = normalise_step_options(options, owner=f"step '{self.name}'")
        current = apply_options(self._config.model_dump(exclude_unset=True), update, merge)
        return self._checked(validated(StepConfig, current, f"step '{self.name}'"))

    def _checked(self, config: StepConfig) -> StepConfig:
        """`config` made concrete for this step (one materializer for every output becomes
        one per output) and checked against it."""
        problem = name_problem(config.name) if config.name is not None else None
        if problem:
            raise StepDefinitionError(
                f"Step name {config.name!r:.80} (of function '{self.entrypoint.__name__}') is "
                f"not valid: {problem}."
            )
        materializers = config.output_materializers
        if ALL_OUTPUTS in materializers:
            every = dict.fromkeys(self.outputs, materializers[ALL_OUTPUTS])
            rest = {k: v for k, v in materializers.items() if k != ALL_OUTPUTS}
            config = config.model_copy(update={"output_materializers": {**every, **rest}})
        unknown = set(config.output_materializers) - set(self.outputs)
        if unknown:
            raise MaterializerError(
                f"Step '{self.name}' sets materializers for unknown output(s) "
                f"{sorted(unknown)}; its outputs are {sorted(self.outputs)}."
            )
        for output, source in config.output_materializers.items():
            check_materializer_covers(self.name, output, source, self.outputs[output].annotation)
        policy = config.cache_policy
        if policy is not None:
            unknown_ignored = set(policy.ignored_inputs) - set(self.inputs)
            if unknown_ignored:
                raise CachePolicyError(
                    f"Step '{self.name}': cache policy ignores unknown input(s) "
                    f"{sorted(unknown_ignored)}; its inputs are {sorted(self.inputs)}."
                )
            if policy.file_dependencies:
                from stepwell.utils.source_root import source_root

                root = source_root()
                for entry in policy.file_dependencies:
                    check_file_dependency(entry, self.name, root)
        unknown_params = set(config.parameters) - set(self.inputs)
        if unknown_params:
            raise StepDefinitionError(
                f"Step '{self.name}' is configured with parameter(s) {sorted(unknown_params)} "
                f"it does not take; its inputs are {sorted(self.inputs)}."
            )
        return config

    def __repr__(self) -> str:
        # Safe on a half-built step: an error raised while building one must not be masked.
        config = self.__dict__.get("_config")
        name = (config.name if config is not None else None) or getattr(
            self.__dict__.get("entrypoint"), "__name__", "?"
        )
        return f"<step {name}>"


def check_file_dependency(entry: str, step_name: str, root: Any) -> None:
    """A cache policy's file dependency must be an existing file inside the source root."""
    path = (root / entry).resolve()
    if not str(path).startswith(str(root) + "/"):
        raise CachePolicyError(
            f"Step '{step_name}': file dependency '{entry}' is outside the source root {root}; "
            "list files inside your project (set STEPWELL_SOURCE_ROOT if the root is wrong)."
        )
    if not path.is_file():
        raise CachePolicyError(
            f"Step '{step_name}': file dependency '{entry}' does not exist (looked for {path})."
        )


def normalise_step_options(options: dict[str, Any], owner: str) -> dict[str, Any]:
    """Turn user-facing step options (callables, classes) into `StepConfig` data."""
    unknown = set(options) - STEP_OPTIONS
    if unknown:
        raise StepDefinitionError(
            f"Unknown option(s) {sorted(unknown)} for {owner}; "
            f"known options: {sorted(STEP_OPTIONS)}."
        )
    return {key: normalise_option(key, value, owner) for key, value in options.items()}


def normalise_option(key: str, value: Any, owner: str) -> Any:
    """One user-facing option (of a step or a pipeline) as configuration data: hooks and
    materializers as source references, dicts of retry and cache settings as models."""
    if key in ("on_success", "on_failure") and value is not None:
        return resolve_hook(value, key, owner)  # type: ignore[arg-type]
    if key == "output_materializers" and value is not None:
        return _materializer_sources(value, owner)
    if key == "retry" and isinstance(value, dict):
        return StepRetryConfig(**value)
    if key == "cache_policy" and isinstance(value, dict):
        return CachePolicy(**value)
    # `settings` are checked and made plain data by the config models (config/settings.py).
    return value


def _materializer_sources(value: Any, owner: str) -> dict[str, str]:
    """Output name -> materializer source; one materializer alone is for every output."""
    if isinstance(value, dict):
        return {name: _as_source(cls, owner) for name, cls in value.items()}
    return {ALL_OUTPUTS: _as_source(value, owner)}


def _as_source(materializer: Any, owner: str) -> str:
    if isinstance(materializer, str):
        return materializer
    if not isinstance(materializer, type) or not issubclass(materializer, BaseMaterializer):
        raise MaterializerError(
            f"Materializers for {owner} must be BaseMaterializer subclasses or 'module:Class' "
            f"strings, not {materializer!r}."
        )
    return get_source(materializer)


def check_materializer_covers(step_name: str, output: str, source: str, annotation: Any) -> None:
    """A materializer chosen for an output must handle the output's annotated type (when
    both are known now: a class given as an object, a plain class annotation)."""
    from stepwell.utils.sources import live_objects

    materializer = live_objects().get(source)
    if not isinstance(materializer, type) or not isinstance(annotation, type):
        return  # a 'module:Class' string is resolved when the step runs
    associated = getattr(materializer, "ASSOCIATED_TYPES", ()) or ()
    if any(issubclass(annotation, kind) for kind in associated if isinstance(kind, type)):
        return
    names = ", ".join(getattr(kind, "__name__", str(kind)) for kind in associated) or "none"
    raise MaterializerError(
        f"Step '{step_name}': materializer '{materializer.__qualname__}' for output '{output}' "
        f"handles {names}, not the output's type '{annotation.__name__}'. Pick a materializer "
        "whose ASSOCIATED_TYPES include it, or fix the annotation."
    )


def make_step(func: Callable[P, R], **options: Any) -> BaseStep[P, R]:
    """Build a `BaseStep` from a function and the decorator's options (any `StepConfig`
    field; options left at None count as not given)."""
    options = {key: value for key, value in options.items() if value is not None}
    options.setdefault("name", func.__name__)
    owner = f"step '{options['name']}'"
    config = validated(StepConfig, normalise_step_options(options, owner), owner)
    return BaseStep(func, config)
