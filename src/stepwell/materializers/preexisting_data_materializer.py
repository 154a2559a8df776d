"""Data registered in place with `register_artifact`: a file or folder in the artifact store.

Role in the flow (read -> materializer -> artifact store): never chosen for a step output.
The artifact version's `uri` is the user's own file or folder, so there is nothing to save;
loading copies it into a fresh local temporary folder and returns its `Path`, so that code
reading a registered folder works the same on a local store and on S3.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from stepwell.enums import ArtifactType
from stepwell.exceptions import MaterializerError
from stepwell.materializers.base_materializer import BaseMaterializer


class PreexistingDataMaterializer(BaseMaterializer):
    """Loads a registered file or folder as a local `Path`; saving is not supported."""

    ASSOCIATED_TYPES = (Path,)
    ASSOCIATED_ARTIFACT_TYPE = ArtifactType.DATA
    SKIP_REGISTRATION = True  # only for registered data: `Path` outputs use PathMaterializer

    def load(self, data_type: type[Any]) -> Any:
        store = self.artifact_store
        if not store.exists(self.uri):
            raise MaterializerError(
                f"The registered data at '{self.uri}' is gone; register it again or delete "
                "the artifact version."
            )
        name = self.uri.rstrip("/").replace("\\", "/").rsplit("/", 1)[-1] or "data"
        local = Path(tempfile.mkdtemp(prefix="stepwell-registered-")) / name
        store.get_local(self.uri, str(local))
        if store.isdir(self.uri):
            local.mkdir(exist_ok=True)  # an empty folder is not copied by every filesystem
        return local

    def save(self, data: Any) -> None:
        raise MaterializerError(
            "PreexistingDataMaterializer only loads data registered with register_artifact; "
            "to store a path's contents, return the Path from a step (PathMaterializer)."
        )
