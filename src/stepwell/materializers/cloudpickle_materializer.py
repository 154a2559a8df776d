"""The fallback materializer: any picklable value as a cloudpickle file.

Role in the flow (launch -> materializer -> artifact store): used when the registry finds no
specific materializer for an output's type (the registry logs a warning then). Pickles tie
the artifact to the Python version (and library versions) that wrote it, so the writing
Python version is stored next to the bytes and a mismatch is logged on load. Unpickling runs
code chosen by whoever wrote the bytes, so a load needs a record that says the bytes were
pickled and is refused under STEPWELL_ALLOW_PICKLE=false (see `load_policy`).
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from stepwell.enums import ArtifactType
from stepwell.exceptions import MaterializerError
from stepwell.materializers.base_materializer import BaseMaterializer
from stepwell.materializers.load_policy import pickled_options, require_pickle

logger = logging.getLogger(__name__)

PICKLE_FILE = "artifact.pkl"
VERSION_FILE = "python_version.txt"


def _python_version() -> str:
    return ".".join(str(part) for part in sys.version_info[:3])


class CloudpickleMaterializer(BaseMaterializer):
    """Any value, pickled with cloudpickle into `artifact.pkl` (plus `python_version.txt`).

    Handles every type, but is never auto-selected except as the registry's fallback.
    """

    ASSOCIATED_TYPES = (object,)
    ASSOCIATED_ARTIFACT_TYPE = ArtifactType.DATA
    SKIP_REGISTRATION = True

    def save(self, data: Any) -> None:
        import cloudpickle

        with self.artifact_store.open(self._path(VERSION_FILE), "w", encoding="utf-8") as f:
            f.write(_python_version())
        try:
            with self.artifact_store.open(self._path(PICKLE_FILE), "wb") as f:
                cloudpickle.dump(data, f)
            self.load_options = pickled_options()
        except Exception as error:
            raise MaterializerError(
                f"Cannot pickle a value of type {type(data).__qualname__}: {error}. Write a "
                "custom materializer for this type."
            ) from error

    def load(self, data_type: type[Any]) -> Any:
        import pickle

        require_pickle(self, "a cloudpickle file")
        version_path = self._path(VERSION_FILE)
        if self.artifact_store.exists(version_path):
            with self.artifact_store.open(version_path, "r", encoding="utf-8") as f:
                saved = f.read().strip()
            current = _python_version()
            if saved.split(".")[:2] != current.split(".")[:2]:
                logger.warning(
                    "The artifact at '%s' was pickled with Python %s but is loaded with "
                    "Python %s; this may fail or give wrong results. A custom materializer "
                    "avoids this.",
                    self.uri,
                    saved,
                    current,
                )
        with self.artifact_store.open(self._path(PICKLE_FILE), "rb") as f:
            return pickle.load(f)
