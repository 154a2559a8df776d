"""The Client's `create_run_metadata`: log metadata on resources named by id (read layer).

ZenML's low-level call under `log_metadata`: the same values go on every resource given, and
a value that cannot be stored is skipped with a warning naming its key, as ZenML does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from stepwell.client.base import ClientBase
from stepwell.exceptions import MetadataError
from stepwell.logger import get_logger
from stepwell.metadata.resources import RunMetadataResource

logger = get_logger(__name__)


def storable_metadata(metadata: dict[str, Any]) -> dict[str, Any]:
    """The entries of `metadata` that can be stored; each other one is logged and left out."""
    from stepwell.metadata.metadata_types import checked_metadata

    kept: dict[str, Any] = {}
    for key, value in metadata.items():
        try:
            kept.update(checked_metadata({key: value}))
        except MetadataError as error:
            logger.warning("Skipping metadata '%s': %s", key, error)
    return kept


class RunMetadataMixin(ClientBase):
    """Metadata on runs, step runs, artifact versions and model versions, by id."""

    def create_run_metadata(
        self,
        metadata: dict[str, Any],
        resources: Sequence[RunMetadataResource],
        stack_component_id: UUID | None = None,
        publisher_step_id: UUID | None = None,
    ) -> None:
        """Log `metadata` on each of `resources`; `publisher_step_id` names the step run that
        published it. `stack_component_id` is accepted for ZenML's signature and not kept."""
        values = storable_metadata(metadata)
        for resource in resources:
            if not isinstance(resource, RunMetadataResource):
                raise TypeError(
                    f"resources must hold RunMetadataResource(id=..., type=...) items, not "
                    f"{type(resource).__name__}; import it from stepwell.models."
                )
            self.store.create_run_metadata(
                resource_type=resource.type.value,
                resource_id=resource.id,
                metadata=values,
                publisher_step_run_id=publisher_step_id,
            )
