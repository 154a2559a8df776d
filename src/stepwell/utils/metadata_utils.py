"""`log_metadata`: log metadata on a run, a step run or an artifact version (read layer).

The same targets and inference as ZenML's `zenml.utils.metadata_utils.log_metadata`:

    log_metadata(metadata={...})                                   # in a step: its step run
    log_metadata(metadata={...}, step_name=..., run_id_name_or_prefix=...)
    log_metadata(metadata={...}, step_id=...)
    log_metadata(metadata={...}, run_id_name_or_prefix=...)
    log_metadata(metadata={...}, artifact_name=..., artifact_version=...)
    log_metadata(metadata={...}, artifact_version_id=...)
    log_metadata(metadata={...}, infer_artifact=True)              # in a step: its output
    log_metadata(metadata={...}, artifact_name=..., infer_artifact=True)
    log_metadata(metadata={...}, model_name=..., model_version=...)
    log_metadata(metadata={...}, model_version_id=...)
    log_metadata(metadata={...}, infer_model=True)                 # in a step: its model version

Values are checked where they are logged. Outside a step the metadata is written at once;
inside a step it travels back with the step's result and the orchestrating process writes
it with the step's outputs (workers never write to the store).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from stepwell.exceptions import MetadataError
from stepwell.metadata.metadata_types import checked_metadata

_USAGE = """Ways to call log_metadata:
    log_metadata(metadata={...})  # inside a step: on its step run
    log_metadata(metadata={...}, step_name=..., run_id_name_or_prefix=...)
    log_metadata(metadata={...}, step_id=...)
    log_metadata(metadata={...}, run_id_name_or_prefix=...)
    log_metadata(metadata={...}, artifact_name=..., artifact_version=...)
    log_metadata(metadata={...}, artifact_version_id=...)
    log_metadata(metadata={...}, infer_artifact=True)  # inside a step with one output
    log_metadata(metadata={...}, artifact_name=..., infer_artifact=True)  # one of its outputs
    log_metadata(metadata={...}, model_name=..., model_version=...)
    log_metadata(metadata={...}, model_version_id=...)
    log_metadata(metadata={...}, infer_model=True)  # inside a step with a model"""


def log_metadata(
    metadata: dict[str, Any],
    step_id: UUID | None = None,
    step_name: str | None = None,
    run_id_name_or_prefix: UUID | str | None = None,
    artifact_version_id: UUID | None = None,
    artifact_name: str | None = None,
    artifact_version: str | None = None,
    infer_artifact: bool = False,
    model_version_id: UUID | None = None,
    model_name: str | None = None,
    model_version: Any = None,
    infer_model: bool = False,
) -> None:
    """Log `metadata` (key -> value) on the resource the keywords name (see the module)."""
    values = checked_metadata(metadata)
    if model_version_id is not None or model_name is not None or infer_model:
        _model_target(model_version_id, model_name, model_version, infer_model).log_metadata(values)
        return
    from stepwell.steps.step_context import _CURRENT

    context = _CURRENT.get()
    if (
        infer_artifact
        and step_id is None
        and run_id_name_or_prefix is None
        and (artifact_version is None and artifact_version_id is None and step_name is None)
    ):
        if context is None:
            raise MetadataError(
                "log_metadata(..., infer_artifact=True) works only inside a step with outputs; "
                "elsewhere pass artifact_version_id=... or artifact_name=... with "
                "artifact_version=...."
            )
        context.add_output_metadata(values, _inferred_output(context, artifact_name))
        return
    resource_type, resource_id, publisher = _target(
        context,
        step_id,
        step_name,
        run_id_name_or_prefix,
        artifact_version_id,
        artifact_name,
        artifact_version,
    )
    if context is not None:
        from stepwell.steps.deferred_writes import DeferredMetadata

        context.deferred_writes.append(
            DeferredMetadata(resource_type, resource_id, values, publisher)
        )
        return
    _store().create_run_metadata(
        resource_type=resource_type, resource_id=resource_id, metadata=values
    )


def _inferred_output(context: Any, artifact_name: str | None) -> str:
    """The output `infer_artifact=True` means: the one named, or the step's only one."""
    names = context.output_names
    if artifact_name is not None:
        if artifact_name not in names:
            raise MetadataError(
                f"Step '{context.step_name}' has no output '{artifact_name}'; its outputs are "
                f"{names}."
            )
        return artifact_name
    if len(names) != 1:
        raise MetadataError(
            f"Step '{context.step_name}' has {len(names) or 'no'} outputs ({names}); with "
            "infer_artifact=True pass artifact_name=... to pick one."
            if names
            else f"Step '{context.step_name}' has no outputs to log metadata on."
        )
    return str(names[0])


def _target(
    context: Any,
    step_id: UUID | None,
    step_name: str | None,
    run: UUID | str | None,
    artifact_version_id: UUID | None,
    artifact_name: str | None,
    artifact_version: str | None,
) -> tuple[str, UUID, UUID | None]:
    """(resource type, id, publishing step run) of the resource the keywords name."""
    if step_id is not None:
        return "step_run", _store().get_step_run(UUID(str(step_id))).id, None
    if step_name is not None and run is not None:
        run_record = _store().get_run(run)
        step = run_record.steps.get(step_name)
        if step is None:
            raise MetadataError(
                f"Run '{run_record.name}' has no step '{step_name}'; its steps are "
                f"{sorted(run_record.steps)}."
            )
        return "step_run", step.id, None
    if run is not None and step_name is None:
        return "pipeline_run", _store().get_run(run).id, None
    if artifact_name is not None and artifact_version is not None:
        return (
            "artifact_version",
            _store().get_artifact_version(artifact_name, artifact_version).id,
            None,
        )
    if artifact_version_id is not None:
        return (
            "artifact_version",
            _store().get_artifact_version(UUID(str(artifact_version_id))).id,
            None,
        )
    if step_name is None and artifact_name is None and artifact_version is None:
        if context is None:
            raise MetadataError(
                "You are calling log_metadata() outside of a step, so it cannot tell what to "
                "log the metadata on; name it with one of the keywords below.\n" + _USAGE
            )
        return "step_run", context.step_run.id, context.step_run.id
    raise MetadataError("Unsupported combination of keywords for log_metadata.\n" + _USAGE)


def _model_target(
    model_version_id: UUID | None, model_name: str | None, model_version: Any, infer: bool
) -> Any:
    """The `Model` whose version the model keywords name (the step's own for `infer`)."""
    from stepwell.model.model import Model
    from stepwell.model.plane import get_plane

    if model_version_id is not None:
        record = get_plane().version_by_id(UUID(str(model_version_id)))
        return Model.for_version(record)
    if model_name is not None:
        if model_version is None:
            raise MetadataError(
                f"log_metadata(model_name='{model_name}') needs model_version=... too (a "
                "name, number or stage), or use infer_model=True inside a step."
            )
        return Model(name=model_name, version=model_version)
    model = get_plane().step_model()
    if model is None:
        raise MetadataError(
            "log_metadata(..., infer_model=True) works only inside a step that has a model "
            "(@step(model=...) or @pipeline(model=...)); elsewhere pass model_name=... and "
            "model_version=..., or model_version_id=...."
        )
    return model


def _store() -> Any:
    from stepwell.store.active import get_store

    return get_store()


__all__ = ["log_metadata"]
