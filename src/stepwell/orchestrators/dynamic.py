"""Dynamic pipelines: the pipeline function runs as real Python while its steps run.

With `@pipeline(dynamic=True)` nothing is compiled ahead: calling a step inside the function
adds an invocation to the run and launches it at once (on the same orchestrator as static
runs, so steps run in worker processes, in parallel, under the execution mode). A plain call
waits and returns handles to the outputs (`.load()` reads them); `step.submit(...)` returns a
future; `step.map(...)`/`step.product(...)` launch one invocation per element, named
`step:0`, `step:1`, ... and return the futures, which a downstream step can take as one list
input. Waiting pumps the orchestrator's loop in this thread: there is no second thread.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator, Sequence
from typing import Any

from stepwell.compiler.spec import PipelineSpec
from stepwell.compiler.tracing import ExternalArtifact, PipelineTrace, StepOutput
from stepwell.exceptions import PipelineDefinitionError, StepFailedError
from stepwell.execution.launcher import StepOutcome
from stepwell.execution.run_context import RunContext
from stepwell.execution.scheduler import Scheduler, StepState
from stepwell.orchestrators.base import BaseOrchestrator
from stepwell.orchestrators.events import emit


class Unmapped:
    """Marks an input of `map`/`product` that every mapped step gets whole."""

    def __init__(self, value: Any) -> None:
        self.value = value


def unmapped(value: Any) -> Unmapped:
    """Pass `value` whole to every step of a `map` or `product`."""
    return Unmapped(value)


class StepHandle(StepOutput):
    """An output of a step of a dynamic run: pass it on, or `.load()` its value."""

    __slots__ = ("_engine", "element_hash", "index")

    def __init__(
        self,
        engine: DynamicEngine,
        invocation_id: str,
        output_name: str,
        annotation: Any,
        index: int | None = None,
        element_hash: str | None = None,
    ) -> None:
        super().__init__(invocation_id, output_name, annotation)
        self._engine = engine
        self.index = index
        self.element_hash = element_hash

    def load(self) -> Any:
        """Wait for the step, then read this output back from the artifact store."""
        self._engine.wait_for(self.invocation_id)
        value = self._engine.ctx.outputs[self.invocation_id][self.output_name][0].load()
        return value[self.index] if self.index is not None else value

    def __len__(self) -> int:
        return len(self.load())

    def __getitem__(self, index: int) -> StepHandle:
        """One element of a sequence output, as an input of another step."""
        return StepHandle(self._engine, self.invocation_id, self.output_name, Any, index)


class StepFuture:
    """A step started with `submit` or `map`; its outputs once it has finished."""

    def __init__(self, engine: DynamicEngine, invocation_id: str, handles: list[StepHandle]):
        self._engine = engine
        self.invocation_id = invocation_id
        self.handles = handles

    def wait(self) -> StepFuture:
        self._engine.wait_for(self.invocation_id)
        return self

    def result(self) -> Any:
        """The step's output handles (one, or a tuple for several), once it has finished."""
        self.wait()
        return self.handles[0] if len(self.handles) == 1 else tuple(self.handles)

    def load(self) -> Any:
        """The step's output value(s), once it has finished."""
        self.wait()
        values = [handle.load() for handle in self.handles]
        return values[0] if len(values) == 1 else tuple(values)

    def __repr__(self) -> str:
        return f"<future {self.invocation_id}>"


class MapResult(Sequence[StepFuture]):
    """The futures of a `map`/`product`, in element order; a list input downstream."""

    def __init__(self, futures: list[StepFuture]) -> None:
        self.futures = futures

    def __getitem__(self, index: Any) -> Any:
        return self.futures[index]

    def __len__(self) -> int:
        return len(self.futures)

    def __iter__(self) -> Iterator[StepFuture]:
        return iter(self.futures)

    def wait(self) -> MapResult:
        for future in self.futures:
            future.wait()
        return self

    def load(self) -> list[Any]:
        return [future.load() for future in self.futures]


class DynamicEngine:
    """Launches steps as the pipeline function creates them, and pumps until they finish."""

    def __init__(self, ctx: RunContext, orchestrator: BaseOrchestrator, scheduler: Scheduler):
        self.ctx = ctx
        self.orchestrator = orchestrator
        self.scheduler = scheduler
        self.outcomes: dict[str, StepOutcome] = {}

    def add(self, invocation: Any) -> None:
        self.ctx.add_invocation(invocation)
        decision = self.scheduler.add_step(invocation.id, invocation.upstream)
        self.orchestrator._apply(self.ctx, decision)

    def pump(self) -> None:
        """Wait for one launched step to finish and act on it."""
        outcome = self.orchestrator.next_outcome(self.ctx)
        self.outcomes[outcome.invocation_id] = outcome
        decision = self.orchestrator._report(self.ctx, self.scheduler, outcome)
        self.orchestrator._apply(self.ctx, decision)

    def wait_for(self, invocation_id: str) -> None:
        while self.scheduler.state[invocation_id] in (StepState.PENDING, StepState.RUNNING):
            self.pump()
        # Back to the pipeline function, which may read the store or take long: buffered
        # cache hits go in now.
        self.ctx.flush_records()
        state = self.scheduler.state[invocation_id]
        if state is not StepState.SUCCEEDED:
            failures = "; ".join(
                f"{name}: {self.outcomes[name].error}" if name in self.outcomes else name
                for name in self.scheduler.failed
            )
            raise StepFailedError(
                f"Step '{invocation_id}' {state.value}, so its outputs cannot be loaded"
                + (f" (failed: {failures})" if failures else "")
                + ".",
                invocation_id=invocation_id,
            )

    def finish(self) -> None:
        while not self.scheduler.is_finished:
            self.pump()


class DynamicTrace(PipelineTrace):
    """The trace of a dynamic run: every recorded invocation is launched right away."""

    def __init__(self, engine: DynamicEngine, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.engine = engine

    def prepare_value(self, step: Any, name: str, value: Any) -> Any:
        if isinstance(value, StepFuture):
            return value.handles[0] if len(value.handles) == 1 else value.handles
        if isinstance(value, MapResult):
            return [future.handles[0] for future in value.futures]
        if name == "after" or isinstance(value, (StepOutput, ExternalArtifact)):
            return value
        if (
            isinstance(value, (list, tuple))
            and value
            and all(isinstance(item, (StepOutput, StepFuture)) for item in value)
        ):
            return [self.prepare_value(step, name, item) for item in value]
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            return self._external(step, name, value)
        return value

    def _external(self, step: Any, name: str, value: Any) -> ExternalArtifact:
        from stepwell.orchestrators.single_step import save_external

        return save_external(
            step, name, value, self.engine.ctx.store, self.engine.ctx.artifact_store
        )

    def add_invocation(
        self,
        step: Any,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        *,
        custom_id: str | None,
        after: Any,
    ) -> Any:
        future = self.submit(step, args, kwargs, custom_id=custom_id, after=after)
        future.wait()
        return future.result() if future.handles else None

    def submit(
        self,
        step: Any,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        *,
        custom_id: str | None,
        after: Any,
    ) -> StepFuture:
        super().add_invocation(step, args, kwargs, custom_id=custom_id, after=after)
        invocation = next(reversed(self.invocations.values()))
        handles = [
            StepHandle(self.engine, invocation.id, out.name, step.outputs[out.name].annotation)
            for out in invocation.outputs
        ]
        self.engine.add(invocation)
        return StepFuture(self.engine, invocation.id, handles)

    def map(self, step: Any, kwargs: dict[str, Any], *, product: bool, after: Any) -> MapResult:
        mapped = {
            name: self._elements(step, name, value)
            for name, value in kwargs.items()
            if not isinstance(value, Unmapped)
        }
        fixed = {name: value.value for name, value in kwargs.items() if isinstance(value, Unmapped)}
        if not mapped:
            raise PipelineDefinitionError(
                f"`{step.name}.map(...)` needs at least one sequence input to map over; "
                "every input was unmapped()."
            )
        if product:
            combos = [
                dict(zip(mapped, values, strict=True))
                for values in itertools.product(*mapped.values())
            ]
        else:
            lengths = {name: len(values) for name, values in mapped.items()}
            if len(set(lengths.values())) > 1:
                raise PipelineDefinitionError(
                    f"`{step.name}.map(...)` zips its inputs, but they have different lengths: "
                    f"{lengths}. Make them equal, or use `{step.name}.product(...)`."
                )
            combos = [
                dict(zip(mapped, values, strict=True))
                for values in zip(*mapped.values(), strict=True)
            ]
        futures = [
            self.submit(step, (), {**fixed, **combo}, custom_id=f"{step.name}:{index}", after=after)
            for index, combo in enumerate(combos)
        ]
        return MapResult(futures)

    def _elements(self, step: Any, name: str, value: Any) -> list[Any]:
        if isinstance(value, MapResult):
            return [future.handles[0] for future in value.futures]
        if isinstance(value, StepFuture):
            value = value.result()
        if isinstance(value, StepHandle):
            loaded = value.load()
            if not isinstance(loaded, Sequence) or isinstance(loaded, (str, bytes)):
                raise PipelineDefinitionError(
                    f"`{step.name}.map(...)`: input '{name}' is output '{value.output_name}' of "
                    f"'{value.invocation_id}', a {type(loaded).__name__}, not a sequence to map "
                    "over. Pass it with unmapped(...) to give every step the whole value."
                )
            return [
                StepHandle(
                    self.engine,
                    value.invocation_id,
                    value.output_name,
                    Any,
                    index,
                    _content_digest(item),
                )
                for index, item in enumerate(loaded)
            ]
        if isinstance(value, (list, tuple)):
            return list(value)
        raise PipelineDefinitionError(
            f"`{step.name}.map(...)`: input '{name}' is a {type(value).__name__}, not a sequence "
            "or a step output to map over. Pass it with unmapped(...) to give it whole."
        )


def _content_digest(value: Any) -> str:
    """A digest of one element's content, for the mapped step's cache key."""
    import xxhash

    try:
        data = json.dumps(value, sort_keys=True, separators=(",", ":")).encode()
    except (TypeError, ValueError):
        import cloudpickle

        data = cloudpickle.dumps(value)
    return xxhash.xxh3_128_hexdigest(data)


def new_engine(ctx: RunContext, orchestrator: BaseOrchestrator, mode: Any) -> DynamicEngine:
    scheduler = Scheduler({}, mode, orchestrator.max_parallelism)
    return DynamicEngine(ctx, orchestrator, scheduler)


def empty_spec(name: str, source: str | None, parameters: dict[str, Any]) -> PipelineSpec:
    return PipelineSpec(name=name, source=source, parameters=parameters)


__all__ = ["MapResult", "StepFuture", "StepHandle", "unmapped"]


def run_dynamic(pipeline: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Run a dynamic pipeline: its function drives the run as it goes."""
    from stepwell.compiler.compile import bind_pipeline_parameters, jsonable_pipeline_parameters
    from stepwell.config.precedence import apply_to_pipeline
    from stepwell.orchestrators.submit import submit

    run_config = pipeline.run_configuration
    config = pipeline.config
    if run_config is not None:
        config = apply_to_pipeline(config, run_config)
    parameters = bind_pipeline_parameters(
        pipeline.entrypoint,
        config,
        args,
        kwargs,
        overrides=run_config.parameters if run_config else None,
    )
    jsonable = jsonable_pipeline_parameters(config.name, parameters)
    config = config.model_copy(update={"parameters": jsonable})
    spec = empty_spec(config.name, pipeline.source, jsonable)

    def drive(ctx: RunContext, orchestrator: BaseOrchestrator) -> dict[str, StepOutcome]:
        return _drive(pipeline, parameters, config, run_config, ctx, orchestrator)

    return submit(spec, config, driver=drive)


def _drive(
    pipeline: Any,
    parameters: dict[str, Any],
    config: Any,
    run_config: Any,
    ctx: RunContext,
    orchestrator: BaseOrchestrator,
) -> dict[str, StepOutcome]:
    from stepwell.compiler.tracing import tracing

    engine = new_engine(ctx, orchestrator, config.execution_mode)
    trace = DynamicTrace(engine, config, run_config)
    orchestrator.prepare(ctx)
    emit("run_started", ctx.run, [])
    try:
        try:
            with tracing(trace):
                pipeline.entrypoint(**parameters)
        except KeyboardInterrupt:
            orchestrator._stop_everything(ctx, engine.scheduler, engine.outcomes)
            raise
        except BaseException:
            # The function failed (often because a step did): let what runs end by the mode.
            if engine.scheduler.mode.value == "fail_fast":
                orchestrator._stop_everything(ctx, engine.scheduler, engine.outcomes)
            else:
                engine.finish()
            raise
        engine.finish()
    finally:
        orchestrator.shutdown()
        if ctx.run.snapshot_id is not None:
            ctx.store.update_snapshot(ctx.run.snapshot_id, spec=ctx.spec.model_dump(mode="json"))
    return engine.outcomes
