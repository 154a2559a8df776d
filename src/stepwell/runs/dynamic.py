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
from collections.abc import Sequence
from typing import Any

from stepwell.compiler.compile import PipelineCall
from stepwell.compiler.spec import PipelineSpec
from stepwell.compiler.tracing import ExternalArtifact, PipelineTrace, StepOutput, tracing
from stepwell.enums import ExecutionMode
from stepwell.exceptions import PipelineDefinitionError, StepFailedError
from stepwell.execution.launcher import StepOutcome
from stepwell.execution.run_context import RunContext
from stepwell.execution.scheduler import Scheduler, StepState
from stepwell.orchestrators.base import BaseOrchestrator
from stepwell.orchestrators.loop import RunLoop
from stepwell.pipelines.depends_on import check_template_keys, template_ids
from stepwell.runs.dynamic_handles import MapResult, StepFuture, StepHandle, Unmapped
from stepwell.runs.preflight import check_step_components
from stepwell.runs.single_step import save_external
from stepwell.runs.submit import submit


class DynamicEngine:
    """Launches steps as the pipeline function creates them; waiting pumps the run loop."""

    def __init__(self, loop: RunLoop) -> None:
        self.loop = loop
        self.ctx = loop.ctx

    def add(self, invocation: Any) -> None:
        stack = getattr(self.ctx, "stack", None)
        if stack is not None:  # a static run checks this before it starts; this one can't
            check_step_components(invocation.id, invocation.config, stack)
        self.loop.add(invocation)

    def output_versions(self, invocation_id: str, output_name: str) -> list[Any]:
        return self.ctx.outputs[invocation_id][output_name]

    def wait_for(self, invocation_id: str) -> None:
        scheduler = self.loop.scheduler
        self.loop.run_until(
            lambda: scheduler.state[invocation_id] not in (StepState.PENDING, StepState.RUNNING)
        )
        # Back to the pipeline function, which may read the store or take long: buffered
        # cache hits go in now.
        self.ctx.flush_records()
        state = scheduler.state[invocation_id]
        if state is not StepState.SUCCEEDED:
            outcomes = self.loop.outcomes
            failures = "; ".join(
                f"{name}: {outcomes[name].error}" if name in outcomes else name
                for name in scheduler.failed
            )
            raise StepFailedError(
                f"Step '{invocation_id}' {state.value}, so its outputs cannot be loaded"
                + (f" (failed: {failures})" if failures else "")
                + ".",
                invocation_id=invocation_id,
            )


class DynamicTrace(PipelineTrace):
    """The trace of a dynamic run: every recorded invocation is launched right away."""

    def __init__(self, engine: DynamicEngine, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.engine = engine
        self.templates: dict[int, str] = {}  # `depends_on` steps' template ids, by static id

    def run_step_config(self, step: Any, invocation_id: str) -> Any:
        own = super().run_step_config(step, invocation_id)
        template = self.templates.get(getattr(step, "static_id", None))  # type: ignore[arg-type]
        if own is not None or template is None or self.run_config is None:
            return own
        return self.run_config.steps.get(template)

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


def run_dynamic(pipeline: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Run a dynamic pipeline: its function drives the run as it goes."""
    call = pipeline.resolve(*args, **kwargs)
    depends_on = getattr(pipeline, "depends_on", [])
    check_template_keys(call.config.name, depends_on, call.run_config, call.run_config_source)
    spec = PipelineSpec(
        name=call.config.name, source=pipeline.source, parameters=call.config.parameters
    )

    def drive(ctx: RunContext, orchestrator: BaseOrchestrator) -> dict[str, StepOutcome]:
        return _drive(pipeline, call, ctx, orchestrator)

    return submit(
        spec,
        call.config,
        driver=drive,
        run_config=call.run_config,
        run_config_source=call.run_config_source,
    )


def _drive(
    pipeline: Any, call: PipelineCall, ctx: RunContext, orchestrator: BaseOrchestrator
) -> dict[str, StepOutcome]:
    scheduler = Scheduler(
        {},
        call.config.execution_mode,
        orchestrator.max_parallelism,
        capacity=orchestrator.capacity,
    )
    loop = RunLoop(orchestrator, ctx, scheduler)
    engine = DynamicEngine(loop)
    trace = DynamicTrace(engine, call.config, call.run_config, call.run_config_source)
    trace.templates = template_ids(getattr(pipeline, "depends_on", []))
    try:
        loop.start([])
        try:
            with tracing(trace):
                pipeline.entrypoint(**call.parameters)
        except KeyboardInterrupt:
            loop.stop_everything()
            raise
        except BaseException:
            # The function failed (often because a step did): let what runs end by the mode.
            if scheduler.mode is ExecutionMode.FAIL_FAST:
                loop.stop_everything()
            else:
                loop.run_to_end()
            raise
        loop.run_to_end()
    finally:
        loop.close()
        if ctx.run.snapshot_id is not None:
            ctx.store.update_snapshot(ctx.run.snapshot_id, spec=ctx.spec.model_dump(mode="json"))
    return loop.outcomes
