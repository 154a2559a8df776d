"""NumPy arrays (and NumPy scalars) as `.npy` files, memory-mapped on load when local.

Role in the flow (launch -> materializer -> artifact store): chosen for `numpy.ndarray` and
`numpy.generic` outputs; registered by name so numpy is imported only when an array is seen.
Loading from a local store returns a read-only `numpy.memmap`, so a large array is paged in
on demand instead of read whole. Object arrays need pickle: saving one records
`{"allow_pickle": true}` in the version's load options, and only such a record lets a load
unpickle (versions recorded before load options existed fall back to it as they always did).
"""

from __future__ import annotations

import csv
import io
from typing import Any

import numpy as np

from stepwell.enums import ArtifactType, VisualizationType
from stepwell.materializers.base_materializer import BaseMaterializer
from stepwell.materializers.cloudpickle_materializer import CloudpickleMaterializer
from stepwell.materializers.load_policy import pickled_options, require_pickle
from stepwell.materializers.registry import materializer_registry

DATA_FILE = "data.npy"
HISTOGRAM_FILE = "histogram.png"
PREVIEW_FILE = "preview.csv"
HISTOGRAM_MAX_BINS = 50
PREVIEW_ROWS, PREVIEW_COLUMNS = 100, 50


class NumpyMaterializer(BaseMaterializer):
    """`numpy.ndarray` / `numpy.generic` as `data.npy` (pickling only for object dtype)."""

    ASSOCIATED_TYPES = (np.ndarray, np.generic)
    ASSOCIATED_ARTIFACT_TYPE = ArtifactType.DATA

    def save(self, data: Any) -> None:
        array = np.asarray(data)
        with self.artifact_store.open(self._path(DATA_FILE), "wb") as f:
            np.save(f, array, allow_pickle=array.dtype.hasobject)
        if array.dtype.hasobject:
            self.load_options = pickled_options()

    def load(self, data_type: type[Any]) -> Any:
        array = self._read(self._path(DATA_FILE))
        if isinstance(data_type, type) and issubclass(data_type, np.generic):
            return array[()]
        return array

    def _read(self, path: str) -> Any:
        """Memory-map from a local store, else read fully; unpickle only an object array
        that the record says was saved with pickle."""
        if self.artifact_store.is_local:
            try:
                return np.load(path, mmap_mode="r", allow_pickle=False)
            except ValueError:  # object dtype: cannot be memory-mapped, needs pickle
                require_pickle(self, "a NumPy array of Python objects (stored with pickle)")
                return np.load(path, allow_pickle=True)
        with self.artifact_store.open(path, "rb") as f:
            try:
                return np.load(f, allow_pickle=False)
            except ValueError:
                require_pickle(self, "a NumPy array of Python objects (stored with pickle)")
                f.seek(0)
                return np.load(f, allow_pickle=True)

    def extract_metadata(self, data: Any) -> dict[str, Any]:
        array = np.asanyarray(data)
        return {"shape": list(array.shape), "dtype": str(array.dtype)}

    def save_visualizations(self, data: Any) -> dict[str, VisualizationType]:
        """A histogram (PNG) of numeric values and a CSV preview of 1-D and 2-D arrays."""
        array = np.asarray(data)
        found: dict[str, VisualizationType] = {}
        if array.size and array.dtype.kind in "biuf":
            values = array.ravel().astype(np.float64)
            values = values[np.isfinite(values)]
            if values.size:
                bins = int(min(HISTOGRAM_MAX_BINS, max(1, np.ceil(np.sqrt(values.size)))))
                counts, edges = np.histogram(values, bins=bins)
                from stepwell.materializers.png_histogram import histogram_png

                image = histogram_png(counts.tolist(), float(edges[0]), float(edges[-1]))
                found[self._write(HISTOGRAM_FILE, image)] = VisualizationType.IMAGE
        if array.size and array.ndim in (1, 2):
            found[self._write(PREVIEW_FILE, _csv_preview(array))] = VisualizationType.CSV
        return found

    def _write(self, name: str, content: bytes) -> str:
        path = self._path(name)
        with self.artifact_store.open(path, "wb") as f:
            f.write(content)
        return path


def _csv_preview(array: Any) -> bytes:
    """The first rows and columns of a 1-D or 2-D array as CSV with a header line."""
    table = array.reshape(-1, 1) if array.ndim == 1 else array
    shown = table[:PREVIEW_ROWS, :PREVIEW_COLUMNS]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["value"] if array.ndim == 1 else range(shown.shape[1]))
    writer.writerows(shown.tolist())
    return out.getvalue().encode("utf-8")


# `.npy` would silently drop a masked array's mask: keep masked arrays whole with cloudpickle.
materializer_registry.register(CloudpickleMaterializer, (np.ma.MaskedArray,), override=False)
