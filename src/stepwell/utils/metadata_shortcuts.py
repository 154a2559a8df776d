"""ZenML's older, deprecated metadata helpers, as thin wrappers over `log_metadata` (read layer).

`log_artifact_metadata`, `log_model_metadata` and `log_step_metadata` still ship with ZenML
0.98, each logging a warning that it is deprecated; code ported from ZenML keeps working with
them here, and the same warning points to the `log_metadata` call that replaces each one.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from stepwell.exceptions import MetadataError
from stepwell.logger import get_logger
from stepwell.utils.metadata_utils import log_metadata

logger = get_logger(__name__)


def log_artifact_metadata(
    metadata: dict[str, Any],
    artifact_name: str | None = None,
    artifact_version: str | None = None,
) -> None:
    """Deprecated: log metadata on an artifact version.

    With a name and a version: that version. Inside a step: the output named
    `artifact_name`, or the step's only output. Outside a step with a name alone: the
    artifact's newest version.
    """
    logger.warning(
        "log_artifact_metadata is deprecated; use log_metadata(metadata={...}, "
        "infer_artifact=True) inside a step, or log_metadata(metadata={...}, "
        "artifact_name=..., artifact_version=...)."
    )
    if artifact_name and artifact_version:
        log_metadata(metadata, artifact_name=artifact_name, artifact_version=artifact_version)
        return
    context = _step_context()
    outputs = list(context.output_names) if context is not None else []
    if context is not None and (artifact_name in outputs or len(outputs) == 1):
        log_metadata(metadata, artifact_name=artifact_name or outputs[0], infer_artifact=True)
        return
    if artifact_name:
        from stepwell.store.active import get_store

        newest = get_store().get_artifact_version(artifact_name)
        log_metadata(metadata, artifact_version_id=newest.id)
        return
    raise MetadataError(
        "log_artifact_metadata needs a step with one output, or artifact_name=... (with "
        "artifact_version=... for a version other than the newest)."
    )


def log_model_metadata(
    metadata: dict[str, Any],
    model_name: str | None = None,
    model_version: Any = None,
) -> None:
    """Deprecated: log metadata on a model version: the one named (both `model_name` and
    `model_version`, a number, name or stage), or, with neither, the step's own model's."""
    logger.warning(
        "log_model_metadata is deprecated; use log_metadata(metadata={...}, "
        "infer_model=True) inside a step, or log_metadata(metadata={...}, model_name=..., "
        "model_version=...)."
    )
    if model_name and model_version is not None:
        log_metadata(metadata, model_name=model_name, model_version=model_version)
    elif model_name is None and model_version is None:
        log_metadata(metadata, infer_model=True)
    else:
        raise MetadataError(
            "log_model_metadata takes both model_name=... and model_version=..., or neither "
            "(inside a step with a model)."
        )


def log_step_metadata(
    metadata: dict[str, Any],
    step_name: str | None = None,
    pipeline_name_id_or_prefix: str | UUID | None = None,
    run_id: str | UUID | None = None,
) -> None:
    """Deprecated: log metadata on a step run: the running step's own inside a step; else
    step `step_name` of run `run_id` (a run's id, name or id prefix), or of the newest run
    of pipeline `pipeline_name_id_or_prefix`."""
    logger.warning(
        "log_step_metadata is deprecated; use log_metadata(metadata={...}) inside a step, "
        "or log_metadata(metadata={...}, step_name=..., run_id_name_or_prefix=...)."
    )
    context = _step_context()
    if context is not None and step_name in (None, context.step_name):
        log_metadata(metadata)
        return
    if not step_name:
        raise MetadataError(
            "log_step_metadata outside a step needs step_name=... and run_id=... (or "
            "pipeline_name_id_or_prefix=... for the pipeline's newest run)."
        )
    if run_id is None:
        if pipeline_name_id_or_prefix is None:
            raise MetadataError(
                f"log_step_metadata(step_name='{step_name}') outside a step needs run_id=... "
                "or pipeline_name_id_or_prefix=... to say which run's step it is."
            )
        from stepwell.store.active import get_store

        run_id = get_store().get_pipeline(pipeline_name_id_or_prefix).last_run.id
    log_metadata(metadata, step_name=step_name, run_id_name_or_prefix=run_id)


def _step_context() -> Any:
    from stepwell.steps.step_context import _CURRENT

    return _CURRENT.get()


__all__ = ["log_artifact_metadata", "log_model_metadata", "log_step_metadata"]
