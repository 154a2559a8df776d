"""pandas DataFrames and Series as Parquet, with a pickle fallback.

Role in the flow (launch -> materializer -> artifact store): chosen for `pandas.DataFrame` and
`pandas.Series` outputs (registered by name, so pandas is imported only when one is seen).

Files: `data.parquet` (via pyarrow) or `data.pkl`, plus `metadata.json` saying which, whether
the value was a Series and its name. Parquet keeps the index and most dtypes; columns whose
values Parquet would silently change (object columns holding lists or mixed types, mixed-type
column labels) and frames pyarrow rejects are pickled with `pandas.to_pickle` instead, as is
everything when pyarrow is not installed. Pickles are faithful but tied to the pandas and
Python versions; CSV is not used because it loses dtypes. Which of the two a version holds
comes from its record (`{"allow_pickle": true}` in its load options for a pickle), not from
`metadata.json`; only versions recorded before load options existed are read by their
manifest, as they always were. Unpickling is refused under STEPWELL_ALLOW_PICKLE=false.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pandas as pd

from stepwell.enums import ArtifactType, VisualizationType
from stepwell.exceptions import MaterializerError
from stepwell.materializers.base_materializer import BaseMaterializer
from stepwell.materializers.load_policy import ALLOW_PICKLE, pickled_options, require_pickle

logger = logging.getLogger(__name__)

PARQUET_FILE = "data.parquet"
PICKLE_FILE = "data.pkl"
MANIFEST = "metadata.json"
SERIES_COLUMN = "__series__"
MAX_METADATA_COLUMNS = 50
VISUALIZATION_FILE = "visualization.html"
PREVIEW_ROWS = 10
# Kinds of object-column values that Parquet stores and reads back unchanged.
_SAFE_OBJECT_KINDS = {"string", "empty", "bytes"}
_SAFE_LABEL_KINDS = {
    "string", "empty", "integer", "floating", "boolean", "datetime64", "datetime",
    "timedelta64", "timedelta", "date",
}  # fmt: skip


def _has_pyarrow() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def _json_name(name: Any) -> dict[str, Any] | None:
    """The Series name as JSON (`{"value": ...}` or `{"tuple": [...]}`), None if impossible."""
    scalars = (str, int, float, bool, type(None))
    if type(name) in scalars:
        return {"value": name}
    if type(name) is tuple and all(type(part) in scalars for part in name):
        return {"tuple": list(name)}
    return None


def _is_object(dtype: Any) -> bool:
    return bool(pd.api.types.is_object_dtype(dtype))


def _parquet_safe(frame: pd.DataFrame) -> bool:
    """Whether Parquet round-trips `frame` without silently changing values or labels."""
    for level in range(frame.columns.nlevels):
        if frame.columns.get_level_values(level).inferred_type not in _SAFE_LABEL_KINDS:
            return False
    if not frame.columns.is_unique:
        return False
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position]
        if _is_object(column.dtype) and pd.api.types.infer_dtype(column) not in _SAFE_OBJECT_KINDS:
            return False
    for level in range(frame.index.nlevels):
        values = frame.index.get_level_values(level)
        if _is_object(values.dtype) and pd.api.types.infer_dtype(values) not in _SAFE_OBJECT_KINDS:
            return False
    return True


def describe_html(data: pd.DataFrame | pd.Series) -> str:
    """The visualization of a frame or series: its shape, first rows and summary statistics.

    Only the first MAX_METADATA_COLUMNS columns are shown, so a very wide frame stays cheap.
    """
    frame = data.to_frame() if isinstance(data, pd.Series) else data
    shown = frame.iloc[:, :MAX_METADATA_COLUMNS]
    rows, columns = frame.shape
    parts = [
        f"<p>{rows} rows &times; {columns} columns</p>",
        f"<h4>First {min(rows, PREVIEW_ROWS)} rows</h4>",
        shown.head(PREVIEW_ROWS).to_html(),
    ]
    try:
        summary = shown.describe()
    except ValueError:  # no columns to describe
        summary = None
    if summary is not None:
        parts += ["<h4>Summary</h4>", summary.to_html()]
    return '<div class="stepwell-dataframe">\n' + "\n".join(parts) + "\n</div>\n"


class PandasMaterializer(BaseMaterializer):
    """`pandas.DataFrame` and `pandas.Series`, as Parquet when faithful, else pickle."""

    ASSOCIATED_TYPES = (pd.DataFrame, pd.Series)
    ASSOCIATED_ARTIFACT_TYPE = ArtifactType.DATA

    def save(self, data: Any) -> None:
        is_series = isinstance(data, pd.Series)
        frame = data.to_frame(name=SERIES_COLUMN) if is_series else data
        manifest: dict[str, Any] = {"kind": "series" if is_series else "dataframe"}
        name = _json_name(data.name) if is_series else {}
        if name is not None and _has_pyarrow() and _parquet_safe(frame):
            manifest["name"] = name
            manifest["object_columns"] = [
                i for i, dtype in enumerate(frame.dtypes) if _is_object(dtype)
            ]
            manifest["object_index_levels"] = [
                i
                for i in range(frame.index.nlevels)
                if _is_object(frame.index.get_level_values(i).dtype)
            ]
            if self._try_parquet(frame):
                manifest["format"] = "parquet"
                self._write_manifest(manifest)
                return
        with self.artifact_store.open(self._path(PICKLE_FILE), "wb") as f:
            pd.to_pickle(data, f)
        self._write_manifest({"kind": manifest["kind"], "format": "pickle"})
        self.load_options = pickled_options()

    def load(self, data_type: type[Any]) -> Any:
        with self.artifact_store.open(self._path(MANIFEST), "r", encoding="utf-8") as f:
            manifest = json.load(f)
        if self._stored_format(manifest) == "pickle":
            require_pickle(self, "a pickled pandas object")
            with self.artifact_store.open(self._path(PICKLE_FILE), "rb") as f:
                return pd.read_pickle(f)
        path = self._path(PARQUET_FILE)
        if self.artifact_store.is_local:
            frame = pd.read_parquet(path)
        else:
            with self.artifact_store.open(path, "rb") as f:
                frame = pd.read_parquet(f)
        frame = self._restore_object_dtypes(frame, manifest)
        if manifest["kind"] != "series":
            return frame
        name = manifest.get("name") or {}
        series = frame.iloc[:, 0]
        series.name = tuple(name["tuple"]) if "tuple" in name else name.get("value")
        return series

    def extract_metadata(self, data: Any) -> dict[str, Any]:
        metadata: dict[str, Any] = {"shape": list(data.shape)}
        if isinstance(data, pd.Series):
            metadata["dtype"] = str(data.dtype)
            return metadata
        shown = data.columns[:MAX_METADATA_COLUMNS]
        metadata["columns"] = [str(c) for c in shown]
        metadata["dtypes"] = {
            str(c): str(t) for c, t in zip(shown, data.dtypes[:MAX_METADATA_COLUMNS], strict=True)
        }
        if data.shape[1] > MAX_METADATA_COLUMNS:
            metadata["columns_truncated"] = True
        return metadata

    def save_visualizations(self, data: Any) -> dict[str, VisualizationType]:
        """An HTML page: the first rows, then `describe()` of the (first) columns."""
        path = self._path(VISUALIZATION_FILE)
        with self.artifact_store.open(path, "w", encoding="utf-8") as f:
            f.write(describe_html(data))
        return {path: VisualizationType.HTML}

    # -- helpers --------------------------------------------------------------------------
    def _stored_format(self, manifest: dict[str, Any]) -> str:
        """The stored format, "pickle" or "parquet": from the record; from the manifest only for
        versions recorded before load options existed."""
        if self.load_options is not None:
            return "pickle" if self.load_options.get(ALLOW_PICKLE) else "parquet"
        found = manifest.get("format")
        if found not in ("pickle", "parquet"):
            raise MaterializerError(f"Unknown pandas artifact format: {found!r}")
        return str(found)

    def _try_parquet(self, frame: pd.DataFrame) -> bool:
        """Write Parquet; on a pyarrow refusal remove the partial file and report False."""
        path = self._path(PARQUET_FILE)
        try:
            with self.artifact_store.open(path, "wb") as f:
                frame.to_parquet(f, engine="pyarrow")
        except (ValueError, TypeError, NotImplementedError) as error:
            logger.info("Parquet cannot store this frame (%s); using pickle instead.", error)
            self.artifact_store.remove(path)
            return False
        return True

    @staticmethod
    def _restore_object_dtypes(frame: pd.DataFrame, manifest: dict[str, Any]) -> pd.DataFrame:
        """Parquet reads object string columns back as `str`; give them `object` again."""
        positions = manifest.get("object_columns") or []
        levels = manifest.get("object_index_levels") or []
        for position in positions:
            column = frame.iloc[:, position]
            if not _is_object(column.dtype):
                restored = column.astype(object)
                frame.isetitem(position, restored.where(column.notna(), None))
        if levels:
            index = frame.index
            if isinstance(index, pd.MultiIndex):
                for level in levels:
                    if not _is_object(index.levels[level].dtype):
                        index = index.set_levels(index.levels[level].astype(object), level=level)
            elif not _is_object(index.dtype):
                index = index.astype(object)
            frame.index = index
        return frame

    def _write_manifest(self, manifest: dict[str, Any]) -> None:
        with self.artifact_store.open(self._path(MANIFEST), "w", encoding="utf-8") as f:
            json.dump(manifest, f)
