"""Local files and folders (`pathlib.Path`) copied into the artifact store and back out.

Role in the flow (launch -> materializer -> artifact store): chosen for `Path` outputs. A step
that writes a file or a folder and returns its path gets the *contents* versioned: a file is
stored as `file/<name>`, a folder recursively as `dir/<name>/`. Loading copies them into a
fresh local temporary folder and returns a path with the original name.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from stepwell.enums import ArtifactType
from stepwell.exceptions import MaterializerError
from stepwell.materializers.base_materializer import BaseMaterializer

MANIFEST = "metadata.json"


class PathMaterializer(BaseMaterializer):
    """`pathlib.Path` to a file or a folder; the contents are stored, not the path string."""

    ASSOCIATED_TYPES = (Path,)
    ASSOCIATED_ARTIFACT_TYPE = ArtifactType.DATA

    def save(self, data: Any) -> None:
        source = Path(data)
        name = source.resolve().name or "root"
        if source.is_file():
            kind = "file"
        elif source.is_dir():
            kind = "dir"
        else:
            raise MaterializerError(
                f"Cannot store the path '{source}': it is neither an existing file nor a folder."
            )
        self.artifact_store.put_local(str(source), self._path(kind, name))
        with self.artifact_store.open(self._path(MANIFEST), "w", encoding="utf-8") as f:
            json.dump({"kind": kind, "name": name}, f)

    def load(self, data_type: type[Any]) -> Any:
        with self.artifact_store.open(self._path(MANIFEST), "r", encoding="utf-8") as f:
            manifest = json.load(f)
        kind, name = manifest["kind"], manifest["name"]
        local = Path(tempfile.mkdtemp(prefix="stepwell-path-")) / name
        stored = self._path(kind, name)
        if self.artifact_store.exists(stored):  # object stores may drop an empty folder
            self.artifact_store.get_local(stored, str(local))
        if kind == "dir":
            local.mkdir(exist_ok=True)
        if isinstance(data_type, type) and issubclass(data_type, Path):
            return data_type(local)
        return local

    def extract_metadata(self, data: Any) -> dict[str, Any]:
        source = Path(data)
        if source.is_file():
            return {"kind": "file", "name": source.name, "size": source.stat().st_size}
        files = [Path(root, f) for root, _, names in os.walk(source) for f in names]
        return {
            "kind": "dir",
            "name": source.resolve().name,
            "files": len(files),
            "size": sum(f.stat().st_size for f in files if f.is_file()),
        }
