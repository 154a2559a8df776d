"""Round trips of built-in types, including nested containers and mixed element types."""

from __future__ import annotations

import collections
import enum
import json
import logging
import os

import numpy as np
import pandas as pd
import pytest

from stepwell.materializers.built_in import BuiltInContainerMaterializer
from stepwell.materializers.cloudpickle_materializer import PICKLE_FILE


class Color(enum.IntEnum):
    RED = 1
    BLUE = 2


class Opaque:
    def __init__(self, value):
        self.value = value

    def __eq__(self, other):
        return isinstance(other, Opaque) and other.value == self.value

    def __hash__(self):
        return hash(self.value)


Point = collections.namedtuple("Point", "x y")


@pytest.mark.parametrize(
    "value",
    [0, -7, 2**80, 3.25, -0.0, float("inf"), True, False, "", "héllo\n\udcff", None],
)
def test_scalars_round_trip_exactly(roundtrip, value) -> None:
    loaded = roundtrip(value)
    assert type(loaded) is type(value)
    assert loaded == value or (value != value and loaded != loaded)
    if isinstance(value, float):
        assert repr(loaded) == repr(value)


def test_scalar_files_and_metadata(roundtrip) -> None:
    loaded, metadata, uri = roundtrip("abc", with_metadata=True)
    assert loaded == "abc"
    assert metadata == {"length": 3}
    assert os.listdir(uri) == ["data.json"]
    assert roundtrip(5, with_metadata=True)[1] == {"value": 5}


def test_int_subclass_comes_back_as_itself(roundtrip) -> None:
    assert roundtrip(Color.BLUE) is Color.BLUE


@pytest.mark.parametrize(
    "value",
    [
        [],
        {},
        [1, "a", None, 2.5, True, [1, [2, {"k": [3]}]]],
        {"a": {"b": {"c": [1, 2, {"d": None}]}}},
        (1, "x", None),
        {1, 2, "three"},
        frozenset({"a", "b"}),
        (),
        set(),
    ],
)
def test_json_faithful_containers(roundtrip, value) -> None:
    loaded, metadata, uri = roundtrip(value, with_metadata=True)
    assert type(loaded) is type(value)
    assert loaded == value
    assert metadata == {"length": len(value)}
    assert os.listdir(uri) == ["data.json"]


@pytest.mark.parametrize(
    "value",
    [
        [(1, 2), {3, 4}, frozenset({5})],
        {"pair": (1, 2), "tags": {"a"}},
        {1: "one", 2: "two"},
        {(1, 2): "tuple key", None: 0},
        ((1, (2, (3,))), [4]),
        [Color.RED, {"c": Color.BLUE}],
        {frozenset({1}), (1, 2)},
    ],
)
def test_containers_needing_elementwise_storage(roundtrip, value) -> None:
    loaded = roundtrip(value)
    assert loaded == value
    assert type(loaded) is type(value)
    assert repr(loaded) == repr(value) or isinstance(value, set)


def test_nested_types_are_restored(roundtrip) -> None:
    loaded = roundtrip({"t": (1, (2, 3)), "s": [{1, 2}]})
    assert type(loaded["t"]) is tuple and type(loaded["t"][1]) is tuple
    assert type(loaded["s"][0]) is set


def test_container_subclasses_are_restored(roundtrip) -> None:
    ordered = collections.OrderedDict([("b", 1), ("a", 2)])
    loaded = roundtrip(ordered)
    assert type(loaded) is collections.OrderedDict
    assert list(loaded.items()) == [("b", 1), ("a", 2)]
    point = roundtrip(Point(1, 2))
    assert type(point) is Point and point == Point(1, 2)
    counter = roundtrip(collections.Counter("abca"))
    assert counter == collections.Counter("abca")


def test_list_of_numpy_arrays(roundtrip) -> None:
    arrays = [np.arange(3), np.ones((2, 2), dtype=np.float32), 7, "label"]
    loaded, _, uri = roundtrip(arrays, with_metadata=True)
    assert isinstance(loaded, list) and len(loaded) == 4
    np.testing.assert_array_equal(loaded[0], arrays[0])
    assert loaded[1].dtype == np.float32
    assert loaded[2:] == [7, "label"]
    with open(os.path.join(uri, "metadata.json")) as f:
        manifest = json.load(f)
    assert manifest["kind"] == "list"
    assert manifest["items"][2] == {"json": 7}


def test_tuple_of_dataframes_and_dict_of_arrays(roundtrip) -> None:
    frames = (pd.DataFrame({"a": [1, 2]}), pd.DataFrame({"b": ["x", "y"]}))
    loaded = roundtrip(frames)
    assert type(loaded) is tuple
    pd.testing.assert_frame_equal(loaded[0], frames[0])
    pd.testing.assert_frame_equal(loaded[1], frames[1])
    features = {"train": np.zeros(4), "test": np.ones(2), 3: "not a str key"}
    loaded_features = roundtrip(features)
    assert list(loaded_features) == ["train", "test", 3]
    np.testing.assert_array_equal(loaded_features["test"], np.ones(2))


def test_container_of_only_unknown_objects_is_pickled_whole(roundtrip, caplog) -> None:
    value = [Opaque(1), Opaque(2), 3]
    with caplog.at_level(logging.WARNING):
        loaded, _, uri = roundtrip(value, with_metadata=True)
    assert loaded == value
    assert PICKLE_FILE in os.listdir(uri)
    assert caplog.text.count("CloudpickleMaterializer will be used") == 1
    assert "Opaque" in caplog.text


def test_container_mixing_arrays_and_unknown_objects(roundtrip, caplog) -> None:
    value = {"array": np.arange(2), "opaque": Opaque("x")}
    with caplog.at_level(logging.WARNING):
        loaded = roundtrip(value)
    np.testing.assert_array_equal(loaded["array"], np.arange(2))
    assert loaded["opaque"] == Opaque("x")
    assert "Opaque" in caplog.text


def test_set_storage_is_deterministic(store) -> None:
    value = {("a", 1), ("b", 2), ("c", 3)}
    uris = []
    for _ in range(2):
        uri = store.new_artifact_uri("s")
        BuiltInContainerMaterializer(uri, store).save(value)
        uris.append(uri)
    from stepwell.materializers.loading import content_hash

    assert content_hash(store, uris[0]) == content_hash(store, uris[1])


@pytest.mark.parametrize("value", [b"", b"\x00\xffbinary", bytearray(b"abc")])
def test_bytes(roundtrip, value) -> None:
    loaded, metadata, uri = roundtrip(value, with_metadata=True)
    assert loaded == value and type(loaded) is type(value)
    assert metadata == {"length": len(value)}
    assert os.listdir(uri) == ["data.bin"]
