"""Materializers on a non-local fsspec store (`memory://`): no local-only shortcuts leak."""

from __future__ import annotations

import uuid

import numpy as np
import pandas as pd
import pytest

from stepwell.artifact_stores.base import BaseArtifactStore
from stepwell.materializers import materializer_registry
from stepwell.materializers.loading import content_hash, load_artifact, save_artifact
from stepwell.utils.sources import get_source


@pytest.fixture
def remote_store():
    store = BaseArtifactStore(f"memory://bucket-{uuid.uuid4().hex}")
    yield store
    store.remove(store.path)


def _roundtrip(store, value):
    materializer_cls = materializer_registry.get_materializer_for_value(value)
    uri = store.new_artifact_uri("out")
    save_artifact(value, uri, materializer_cls, store)
    loaded = load_artifact(uri, get_source(materializer_cls), get_source(type(value)), store)
    return loaded, uri


def test_remote_round_trips(remote_store, tmp_path) -> None:
    arrays, _ = _roundtrip(remote_store, [np.arange(3), {"k": (1, 2)}])
    assert type(arrays[0]) is np.ndarray  # read fully: no memory map off a remote store
    assert arrays[1] == {"k": (1, 2)}
    series, _ = _roundtrip(remote_store, pd.Series([1, 2], name=None))
    pd.testing.assert_series_equal(series, pd.Series([1, 2], name=None))
    folder = tmp_path / "data"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "x.txt").write_text("x")
    loaded_folder, _ = _roundtrip(remote_store, folder)
    assert loaded_folder.name == "data" and (loaded_folder / "sub" / "x.txt").read_text() == "x"


def test_remote_content_hash_matches_local(remote_store, store) -> None:
    value = {"a": np.arange(5), "b": "text"}
    _, remote_uri = _roundtrip(remote_store, value)
    local_uri = store.new_artifact_uri("out")
    save_artifact(value, local_uri, materializer_registry.get_materializer_for_value(value), store)
    assert content_hash(remote_store, remote_uri) == content_hash(store, local_uri)
