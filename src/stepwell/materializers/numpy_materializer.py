"""NumPy arrays (and NumPy scalars) as `.npy` files, memory-mapped on load when local.

Role in the flow (launch -> materializer -> artifact store): chosen for `numpy.ndarray` and
`numpy.generic` outputs; registered by name so numpy is imported only when an array is seen.
Loading from a local store returns a read-only `numpy.memmap`, so a large array is paged in
on demand instead of read whole.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from stepwell.enums import ArtifactType
from stepwell.materializers.base_materializer import BaseMaterializer
from stepwell.materializers.cloudpickle_materializer import CloudpickleMaterializer
from stepwell.materializers.registry import materializer_registry

DATA_FILE = "data.npy"


class NumpyMaterializer(BaseMaterializer):
    """`numpy.ndarray` / `numpy.generic` as `data.npy` (pickling only for object dtype)."""

    ASSOCIATED_TYPES = (np.ndarray, np.generic)
    ASSOCIATED_ARTIFACT_TYPE = ArtifactType.DATA

    def save(self, data: Any) -> None:
        array = np.asarray(data)
        with self.artifact_store.open(self._path(DATA_FILE), "wb") as f:
            np.save(f, array, allow_pickle=array.dtype.hasobject)

    def load(self, data_type: type[Any]) -> Any:
        array = self._read(self._path(DATA_FILE))
        if isinstance(data_type, type) and issubclass(data_type, np.generic):
            return array[()]
        return array

    def _read(self, path: str) -> Any:
        """Memory-map from a local store; read fully (pickles allowed) otherwise."""
        if self.artifact_store.is_local:
            try:
                return np.load(path, mmap_mode="r")
            except ValueError:  # object dtype: cannot be memory-mapped, needs pickle
                return np.load(path, allow_pickle=True)
        with self.artifact_store.open(path, "rb") as f:
            try:
                return np.load(f)
            except ValueError:
                f.seek(0)
                return np.load(f, allow_pickle=True)

    def extract_metadata(self, data: Any) -> dict[str, Any]:
        array = np.asanyarray(data)
        return {"shape": list(array.shape), "dtype": str(array.dtype)}


# `.npy` would silently drop a masked array's mask: keep masked arrays whole with cloudpickle.
materializer_registry.register(CloudpickleMaterializer, (np.ma.MaskedArray,), override=False)
