"""Run a single step called outside any pipeline, as an unlisted one-invocation run (runs).

Arguments that are plain JSON values become parameters; any other object (an array, a
model) is first saved as an artifact version and passed in as an external input, so the
step runs exactly as it would inside a pipeline.
"""

from __future__ import annotations

import json
from typing import Any

from stepwell.artifact_stores.base import BaseArtifactStore
from stepwell.compiler.checks import run_checks
from stepwell.compiler.externals import external_input
from stepwell.compiler.spec import OutputDef, PipelineSpec
from stepwell.compiler.tracing import ExternalArtifact, PipelineTrace, tracing
from stepwell.config.pipeline_config import PipelineConfig
from stepwell.exceptions import PipelineDefinitionError
from stepwell.execution.outputs import save_artifact_version
from stepwell.runs.submit import submit
from stepwell.steps.base_step import BaseStep
from stepwell.store.active import default_artifact_store, get_store
from stepwell.store.base import Store


def run_single_step(step: BaseStep[Any, Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Run one step outside a pipeline as an unlisted one-step run; return its output values."""
    spec, config = compile_single_step(step, args, kwargs, get_store(), default_artifact_store())
    run = submit(spec, config, is_unlisted=True)
    if not step.outputs:
        return None
    step_run = run.steps[spec.invocations[0].id]
    values = [step_run.outputs[name][0].load() for name in step.outputs]
    return values[0] if len(values) == 1 else tuple(values)


def compile_single_step(
    step: BaseStep[Any, Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    store: Store,
    artifact_store: BaseArtifactStore,
) -> tuple[PipelineSpec, PipelineConfig]:
    """A spec of one invocation of `step` with these arguments."""
    try:
        bound = step.signature.bind_partial(*args, **kwargs).arguments
    except TypeError as error:
        raise PipelineDefinitionError(
            f"Step '{step.name}' cannot take these arguments: {error}."
        ) from None
    config = PipelineConfig(name=step.name)
    prepared: dict[str, Any] = {}
    for name, given in bound.items():
        value = external_input(step, name, given)  # ExternalArtifact, artifact versions
        kept = _is_plain(value) or isinstance(value, ExternalArtifact)
        prepared[name] = value if kept else save_external(step, name, value, store, artifact_store)
    trace = PipelineTrace(config)
    with tracing(trace):
        trace.add_invocation(step, (), prepared, custom_id=None, after=None)
    spec = PipelineSpec(
        name=config.name, source=step.source, invocations=tuple(trace.invocations.values())
    )
    run_checks(spec)
    return spec, config


def _is_plain(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


def save_external(
    step: BaseStep[Any, Any], name: str, value: Any, store: Store, artifact_store: BaseArtifactStore
) -> ExternalArtifact:
    annotation = step.inputs[name].annotation if name in step.inputs else None
    out = OutputDef(name=name, artifact_name=f"{step.name}::input::{name}")
    uri = artifact_store.new_artifact_uri("external", step.name, name)
    version = save_artifact_version(store, artifact_store, out, value, annotation, uri)
    return ExternalArtifact(str(version.id))
