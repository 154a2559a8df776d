"""Save an output's visualizations while its bytes are written, never failing the step.

Part of launch, where the step runs: after a materializer's `save`, its
`save_visualizations` writes files beside the artifact's own (in the staging folder that
becomes the artifact's uri) and says how to show each. This module turns that answer into
the plain list recorded with the artifact version (`[{"uri": ..., "type": ...}]`, uris as
they will be once the folder is published). Visualizations are a convenience: whatever
goes wrong here is logged as a warning naming the artifact, and the step goes on.
"""

from __future__ import annotations

from typing import Any

from stepwell.artifact_stores.base import BaseArtifactStore
from stepwell.enums import VisualizationType
from stepwell.logger import get_logger
from stepwell.materializers.base_materializer import BaseMaterializer

logger = get_logger(__name__)


def save_visualizations(
    materializer: BaseMaterializer,
    value: Any,
    final_uri: str,
    artifact_name: str,
) -> list[dict[str, str]]:
    """Call `materializer.save_visualizations(value)`; the files it reports, as records."""
    label = f"{type(materializer).__qualname__}.save_visualizations"
    try:
        reported = materializer.save_visualizations(value) or {}
        items = list(dict(reported).items())
    except Exception as error:
        logger.warning(
            "Could not save the visualizations of artifact '%s' (%s raised %s: %s); "
            "the artifact is saved without them.",
            artifact_name,
            label,
            type(error).__name__,
            error,
        )
        return []
    records = []
    for uri, kind in items:
        try:
            records.append(_record(materializer, uri, kind, final_uri))
        except ValueError as error:
            logger.warning(
                "Skipping a visualization of artifact '%s' reported by %s: %s",
                artifact_name,
                label,
                error,
            )
    return records


def _record(materializer: BaseMaterializer, uri: Any, kind: Any, final_uri: str) -> dict[str, str]:
    """One reported file as a record, or ValueError saying what is wrong with it."""
    try:
        shown_as = VisualizationType(kind)
    except ValueError:
        allowed = ", ".join(member.value for member in VisualizationType)
        raise ValueError(f"type {kind!r} of '{uri}' is not one of: {allowed}.") from None
    if not isinstance(uri, str) or not uri:
        raise ValueError(f"{uri!r} is not a file path; return paths under self.uri.")
    store = materializer.artifact_store
    written = uri if _is_absolute(uri) else store.join(materializer.uri, uri)
    if not store.exists(written):
        raise ValueError(f"'{uri}' was reported but no file was written there.")
    return {"uri": _published(written, materializer.uri, final_uri, store), "type": shown_as.value}


def _is_absolute(uri: str) -> bool:
    return uri.startswith("/") or "://" in uri or (len(uri) > 1 and uri[1] == ":")


def _published(written: str, staging: str, final_uri: str, store: BaseArtifactStore) -> str:
    """Where a file written in the staging folder will be once the folder is published."""
    root = staging.rstrip("/")
    if written == root or written.startswith(root + "/"):
        return final_uri.rstrip("/") + written[len(root) :]
    return written  # a file outside the artifact's folder stays where it is
