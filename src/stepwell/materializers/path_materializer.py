"""Local files and folders (`pathlib.Path`) copied into the artifact store and back out.

Role in the flow (launch -> materializer -> artifact store): chosen for `Path` outputs. A step
that writes a file or a folder and returns its path gets the *contents* versioned: a file is
stored as `file/<name>`, a folder recursively as `dir/<name>/`. Loading copies them into a
fresh local temporary folder and returns a path with the original name.

The manifest's name is data from a shared store: only a single path component is accepted
(a planted `../../x` is refused), so a load writes nowhere but its temporary folder. That
folder is removed when the running step ends, or, outside a step, when the process exits.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from stepwell.enums import ArtifactType
from stepwell.exceptions import MaterializerError
from stepwell.materializers.base_materializer import BaseMaterializer
from stepwell.utils.cleanup import register_cleanup

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
        kind, name = manifest.get("kind"), manifest.get("name")
        _check_manifest(kind, name, self.uri)
        local = Path(_temporary_folder()) / name
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


def _check_manifest(kind: Any, name: Any, uri: str) -> None:
    """Refuse a manifest whose name is not one plain path component (or kind is unknown)."""
    plain = (
        isinstance(name, str)
        and name not in ("", ".", "..")
        and "/" not in name
        and "\\" not in name
        and "\0" not in name
        and os.sep not in name
    )
    if kind not in ("file", "dir") or not plain:
        raise MaterializerError(
            f"The path artifact at {uri} has a manifest naming {kind!r} {name!r}; a stored "
            "path must be a file or folder with a plain name (one path component). The "
            "manifest was changed after saving; save the path again."
        )


def _temporary_folder() -> str:
    """A fresh local folder, removed when the running step ends or else at process exit."""
    folder = tempfile.mkdtemp(prefix="stepwell-path-")
    remove = functools.partial(shutil.rmtree, folder, ignore_errors=True)
    if not register_cleanup(remove):
        atexit.register(remove)
    return folder
