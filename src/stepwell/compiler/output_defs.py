"""A step output as the spec records it: name, artifact name and `ArtifactConfig` (compile).

Turns the define layer's `OutputSpec` into the spec's `OutputDef`, and checks its artifact
name's placeholders now, so that a missing substitution fails before anything runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stepwell.artifacts.names import missing_placeholders, placeholders
from stepwell.compiler.spec import OutputDef
from stepwell.exceptions import PipelineDefinitionError
from stepwell.steps.signature import OutputSpec


def output_def(
    out: OutputSpec,
    *,
    artifact_name: str,
    invocation_id: str,
    data_type: str | None,
    materializer: str | None,
    substitutions: Mapping[str, str],
) -> OutputDef:
    """The spec's record of output `out` of invocation `invocation_id`."""
    if placeholders(artifact_name):
        missing = missing_placeholders(artifact_name, substitutions)
        if missing:
            known = sorted({"date", "time", *substitutions})
            raise PipelineDefinitionError(
                f"Output '{out.name}' of step invocation '{invocation_id}' is named "
                f"'{artifact_name}', whose placeholder(s) {missing} have no value. Known "
                f"placeholders: {known}; add custom ones with substitutions={{...}} on "
                "@pipeline or with_options."
            )
    config = out.artifact_config
    extra: dict[str, Any] = {}
    if config is not None:
        extra = {
            "version": config.version_text,
            "tags": tuple(config.tags or ()),
            "run_metadata": dict(config.run_metadata or {}),
            "artifact_type": config.artifact_type.value if config.artifact_type else None,
        }
    return OutputDef(
        name=out.name,
        artifact_name=artifact_name,
        has_custom_name=out.has_custom_name,
        data_type=data_type,
        materializer=materializer,
        **extra,
    )
