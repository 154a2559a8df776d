"""An artifact version's raw files and its artifact, as ZenML's response offers (layer: store).

Mixed into `ArtifactVersionResponse`: `.artifact` (the artifact it is a version of) and
`.download_files(path)` (its files, as the materializer wrote them, in one zip archive,
without loading the value). Each reads the store or the artifact store on access only.
"""

from __future__ import annotations

import os
import zipfile
from typing import TYPE_CHECKING
from uuid import UUID

if TYPE_CHECKING:
    from stepwell.store.base import Store
    from stepwell.store.models import ArtifactResponse

_CHUNK = 1 << 20


class VersionFiles:
    """`version.artifact` and `version.download_files(path, overwrite=False)`."""

    artifact_id: UUID
    uri: str

    if TYPE_CHECKING:

        def _require_store(self) -> Store: ...

    @property
    def artifact(self) -> ArtifactResponse:
        """The artifact this is a version of."""
        return self._require_store().get_artifact(self.artifact_id)

    def download_files(self, path: str, overwrite: bool = False) -> None:
        """Write this version's files into a zip archive at `path` (which must end in .zip),
        with their paths relative to the version's folder; an existing file at `path` is
        replaced only with `overwrite=True`."""
        from stepwell.artifact_stores.base import artifact_store_for_uri

        target = os.fspath(path)
        if not target.endswith(".zip"):
            raise ValueError(f"download_files writes a zip archive; give a path ending in .zip, "
                             f"not {target!r}.")  # fmt: skip
        if os.path.exists(target) and not overwrite:
            raise FileExistsError(f"'{target}' already exists; pass overwrite=True to replace it.")
        store = artifact_store_for_uri(self.uri)
        if not store.exists(self.uri):
            raise FileNotFoundError(
                f"The files of this artifact version are gone from {self.uri}; they may "
                "have been deleted or the artifact store moved."
            )
        partial = f"{target}.partial"
        try:
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
                for relative, _size, full in store.walk_files(self.uri):
                    name = relative or os.path.basename(self.uri.rstrip("/"))
                    with store.open(full, "rb") as source, archive.open(name, "w") as sink:
                        while chunk := source.read(_CHUNK):
                            sink.write(chunk)
            os.replace(partial, target)
        finally:
            if os.path.exists(partial):
                os.remove(partial)
