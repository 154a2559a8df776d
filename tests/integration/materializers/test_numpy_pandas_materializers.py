"""Round trips of numpy arrays and pandas frames/series through a local store."""

from __future__ import annotations

import logging
import os

import numpy as np
import pandas as pd
import pytest

from stepwell.materializers.numpy_materializer import NumpyMaterializer
from stepwell.materializers.pandas_materializer import PandasMaterializer


# -- numpy -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "array",
    [
        np.arange(12, dtype=np.int64).reshape(3, 4),
        np.linspace(0, 1, 5, dtype=np.float32),
        np.array(["a", "bc"]),
        np.zeros((0, 3)),
        np.array([(1, 2.5)], dtype=[("a", "i4"), ("b", "f8")]),
        np.asfortranarray(np.arange(6).reshape(2, 3)),
    ],
)
def test_numpy_round_trip_is_memory_mapped(roundtrip, array) -> None:
    loaded, metadata, uri = roundtrip(array, with_metadata=True)
    assert isinstance(loaded, np.memmap)
    assert not loaded.flags.writeable
    np.testing.assert_array_equal(loaded, array)
    assert loaded.dtype == array.dtype
    assert metadata == {"shape": list(array.shape), "dtype": str(array.dtype)}
    assert os.listdir(uri) == ["data.npy"]


def test_numpy_object_dtype_falls_back_to_pickle(roundtrip) -> None:
    array = np.array([{"a": 1}, [1, 2], None], dtype=object)
    loaded = roundtrip(array)
    assert not isinstance(loaded, np.memmap)
    assert loaded.dtype == object
    assert list(loaded) == list(array)


def test_numpy_scalar_round_trip(roundtrip) -> None:
    for value in (np.float32(1.5), np.int64(-3), np.bool_(True)):
        loaded = roundtrip(value)
        assert type(loaded) is type(value) and loaded == value


def test_numpy_remote_style_store_reads_fully(store, tmp_path) -> None:
    """A store that is not local is read through `open`, not memory-mapped."""
    array = np.arange(5)
    uri = store.new_artifact_uri("arr")
    NumpyMaterializer(uri, store).save(array)

    class NotLocal(type(store)):
        is_local = False

        def open(self, path, mode="rb", **kwargs):
            return open(path, mode, **kwargs)  # noqa: SIM115

    remote_like = NotLocal(str(tmp_path))
    loaded = NumpyMaterializer(uri, remote_like).load(np.ndarray)
    assert type(loaded) is np.ndarray
    np.testing.assert_array_equal(loaded, array)


def test_masked_arrays_keep_their_mask(roundtrip) -> None:
    masked = np.ma.masked_array([1, 2, 3], mask=[False, True, False])
    loaded = roundtrip(masked)
    assert isinstance(loaded, np.ma.MaskedArray)
    assert list(loaded.mask) == [False, True, False]


# -- pandas ------------------------------------------------------------------------------
def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "int": [1, 2, 3],
            "float": [0.5, np.nan, 2.0],
            "str": ["x", "y", None],
            "obj_str": pd.Series(["a", None, "c"], dtype=object, index=[10, 20, 30]),
            "nullable": pd.array([1, None, 3], dtype="Int64"),
            "cat": pd.Categorical(["a", "b", "a"]),
            "when": pd.date_range("2024-01-01", periods=3, tz="UTC"),
            "flag": [True, False, True],
        },
        index=pd.Index([10, 20, 30], name="row"),
    )


def test_dataframe_round_trip_keeps_index_and_dtypes(roundtrip) -> None:
    frame = _frame()
    loaded, metadata, uri = roundtrip(frame, with_metadata=True)
    pd.testing.assert_frame_equal(loaded, frame)
    assert sorted(os.listdir(uri)) == ["data.parquet", "metadata.json"]
    assert metadata["shape"] == [3, 8]
    assert metadata["columns"][:2] == ["int", "float"]
    assert metadata["dtypes"]["nullable"] == "Int64"


def test_dataframe_special_indexes(roundtrip) -> None:
    ranged = pd.DataFrame({"a": [1, 2]}, index=pd.RangeIndex(5, 7))
    pd.testing.assert_frame_equal(roundtrip(ranged), ranged)
    multi = pd.DataFrame(
        {"v": [1.0, 2.0]},
        index=pd.MultiIndex.from_tuples([("a", 1), ("b", 2)], names=["k", "n"]),
    )
    pd.testing.assert_frame_equal(roundtrip(multi), multi)
    int_columns = pd.DataFrame(np.eye(2))
    pd.testing.assert_frame_equal(roundtrip(int_columns), int_columns)


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"lists": [[1, 2], [3]]}),
        pd.DataFrame({"mixed": [1, "a"]}),
        pd.DataFrame({1: [1], "a": [2]}),
        pd.DataFrame([[1, 2]], columns=["a", "a"]),
        pd.DataFrame({"z": np.array([1j, 2j])}),
    ],
)
def test_frames_parquet_would_change_are_pickled(roundtrip, store, frame) -> None:
    loaded, _, uri = roundtrip(frame, with_metadata=True)
    pd.testing.assert_frame_equal(loaded, frame)
    assert "data.pkl" in os.listdir(uri)


@pytest.mark.parametrize("name", [None, "target", 3, ("a", 1)])
def test_series_round_trip_keeps_name(roundtrip, name) -> None:
    series = pd.Series([1.5, 2.5, None], index=pd.Index(["a", "b", "c"], name="k"), name=name)
    loaded, metadata, _ = roundtrip(series, with_metadata=True)
    assert isinstance(loaded, pd.Series)
    pd.testing.assert_series_equal(loaded, series)
    assert loaded.name == name
    assert metadata == {"shape": [3], "dtype": "float64"}


def test_series_with_unusual_name_is_pickled(roundtrip) -> None:
    series = pd.Series([1, 2], name=pd.Timestamp("2024-01-01"))
    pd.testing.assert_series_equal(roundtrip(series), series)


def test_pandas_metadata_is_bounded(store) -> None:
    wide = pd.DataFrame(np.zeros((1, 120)), columns=[f"c{i}" for i in range(120)])
    metadata = PandasMaterializer(store.new_artifact_uri("w"), store).extract_metadata(wide)
    assert len(metadata["columns"]) == 50 and len(metadata["dtypes"]) == 50
    assert metadata["columns_truncated"] is True


def test_no_warnings_logged_for_specific_materializers(roundtrip, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        roundtrip(_frame())
        roundtrip(np.arange(3))
    assert caplog.text == ""
