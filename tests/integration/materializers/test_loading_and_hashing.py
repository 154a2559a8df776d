"""Loading by source reference, metadata, content hashing and the light package import."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from stepwell.exceptions import MaterializerError
from stepwell.materializers.built_in import BuiltInContainerMaterializer, BuiltInMaterializer
from stepwell.materializers.loading import (
    content_hash,
    load_artifact,
    load_data_type,
    save_artifact,
)
from stepwell.utils.sources import get_source

SRC = str(Path(__file__).resolve().parents[3] / "src")


def test_import_does_not_pull_in_heavy_libraries() -> None:
    code = (
        "import stepwell.materializers, sys\n"
        "heavy = [m for m in ('numpy', 'pandas', 'pyarrow') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "from stepwell.materializers import materializer_registry as r\n"
        "assert r.get_materializer_for_type(int).__name__ == 'BuiltInMaterializer'\n"
        "assert 'numpy' not in sys.modules and 'pandas' not in sys.modules\n"
    )
    env = {**os.environ, "PYTHONPATH": SRC}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_load_artifact_by_source_strings(store) -> None:
    uri = store.new_artifact_uri("x")
    save_artifact((1, 2), uri, BuiltInContainerMaterializer, store)
    loaded = load_artifact(uri, get_source(BuiltInContainerMaterializer), "builtins:tuple")
    assert loaded == (1, 2)
    arr_uri = store.new_artifact_uri("arr")
    from stepwell.materializers.numpy_materializer import NumpyMaterializer

    save_artifact(np.arange(3), arr_uri, NumpyMaterializer, store)
    source = "stepwell.materializers.numpy_materializer:NumpyMaterializer"
    np.testing.assert_array_equal(load_artifact(arr_uri, source, "numpy:ndarray"), np.arange(3))


def test_unimportable_data_type_loads_as_object(store) -> None:
    uri = store.new_artifact_uri("x")
    save_artifact((1, 2), uri, BuiltInContainerMaterializer, store)
    assert load_data_type("gone.module:Thing") is object
    assert load_data_type("builtins:NoneType") is type(None)
    assert load_artifact(uri, get_source(BuiltInContainerMaterializer), "gone:X") == [1, 2]


def test_bad_materializer_source_is_a_materializer_error(store) -> None:
    with pytest.raises(MaterializerError, match="Cannot import materializer"):
        load_artifact(store.path, "gone.module:Materializer", "builtins:int")
    with pytest.raises(MaterializerError, match="not a materializer class"):
        load_artifact(store.path, "builtins:int", "builtins:int")


def test_save_artifact_survives_failing_metadata(store, caplog) -> None:
    class Flaky(BuiltInMaterializer):
        def extract_metadata(self, data):
            raise RuntimeError("boom")

    uri = store.new_artifact_uri("x")
    assert save_artifact(3, uri, Flaky, store) == {}
    assert "boom" in caplog.text
    assert load_artifact(uri, get_source(BuiltInMaterializer), "builtins:int") == 3


def test_content_hash_is_stable_and_tracks_content(store) -> None:
    first, second = store.new_artifact_uri("a"), store.new_artifact_uri("b")
    for uri in (first, second):
        save_artifact([np.arange(4), {"k": "v"}], uri, BuiltInContainerMaterializer, store)
    digest = content_hash(store, first)
    assert digest.startswith("xxh3_128:") and len(digest) == len("xxh3_128:") + 32
    assert content_hash(store, first) == digest == content_hash(store, second)

    target = os.path.join(second, "items", "0", "data.npy")
    with open(target, "r+b") as f:
        f.seek(-1, os.SEEK_END)
        f.write(b"\x07")
    assert content_hash(store, second) != digest

    renamed = store.new_artifact_uri("c")
    save_artifact("same", renamed, BuiltInMaterializer, store)
    before = content_hash(store, renamed)
    os.rename(os.path.join(renamed, "data.json"), os.path.join(renamed, "other.json"))
    assert content_hash(store, renamed) != before


def test_content_hash_of_empty_files_and_missing_uri(store, tmp_path) -> None:
    folder = tmp_path / "empty_file"
    folder.mkdir()
    (folder / "a").write_bytes(b"")
    assert content_hash(store, str(folder)).startswith("xxh3_128:")
    with pytest.raises(MaterializerError, match="nothing is stored"):
        content_hash(store, str(tmp_path / "missing"))


@pytest.mark.parametrize("kind", ["local", "memory"])
def test_walk_files_gives_the_same_relative_names_locally_and_remotely(tmp_path, kind):
    from uuid import uuid4

    from stepwell.artifact_stores.base import BaseArtifactStore
    from stepwell.materializers.loading import content_hash_and_size

    root = str(tmp_path / "store") if kind == "local" else f"memory://walk-{uuid4().hex}"
    store = BaseArtifactStore(root)
    folder = store.join(store.path, "artifact")
    store.makedirs(store.join(folder, "sub"))
    for relative, text in (("b.txt", "bb"), ("sub/a.txt", "a")):
        with store.open(store.join(folder, *relative.split("/")), "w") as handle:
            handle.write(text)
    listed = [(name, size) for name, size, _ in store.walk_files(folder)]
    assert listed == [("b.txt", 2), ("sub/a.txt", 1)]
    assert store.size(folder) == 3
    digest, size = content_hash_and_size(store, folder)
    assert size == 3 and digest == content_hash(store, folder)
