"""Loading from a shared store: what a hostile writer of the store can and cannot make us run.

Each test does what someone who can write files (and, for some, rows) of a shared store
would do: replace an artifact's bytes with a pickle that creates a marker file when it is
loaded, edit the version's record, plant a manifest. The marker file must never appear and
the error must name the artifact. Honest artifacts of every built-in materializer still load.
"""

from __future__ import annotations

import json
import logging
import pickle
import sqlite3
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from pydantic import BaseModel

from stepwell import pipeline, save_artifact, step
from stepwell.artifact_stores.base import artifact_store_for_uri
from stepwell.client import Client
from stepwell.exceptions import ArtifactIntegrityError, PickleRefusedError, PipelineRunFailedError
from stepwell.materializers.cloudpickle_materializer import CloudpickleMaterializer
from stepwell.materializers.fingerprint import fingerprint
from stepwell.types import HTMLString
from stepwell.utils.sources import get_source


class Point:
    """A type with no materializer of its own: saved with cloudpickle."""

    def __init__(self, x: int) -> None:
        self.x = x

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Point) and other.x == self.x


class Config(BaseModel):
    rate: float


class Opaque(BaseModel):
    """A model that cannot be dumped as JSON: the pydantic materializer pickles it."""

    model_config = {"arbitrary_types_allowed": True}
    point: Point


class Touch:
    """Unpickling this creates `path`: the evidence that hostile bytes ran."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.touch, (self.path,))


@pytest.fixture
def marker(tmp_path) -> Path:
    return tmp_path / "hostile-code-ran"


def _folder(version: Any) -> Path:
    return Path(version.uri)


def _edit_row(home: Path, version_id: Any, **columns: Any) -> None:
    """What a writer of the shared database does: change a version's row directly."""
    values = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in columns.items()}
    sets = ", ".join(f"{name} = ?" for name in values)
    with sqlite3.connect(home / "stepwell.db") as db:
        changed = db.execute(
            f"UPDATE artifact_versions SET {sets} WHERE id = ?",
            [*values.values(), version_id.hex],
        ).rowcount
    assert changed == 1


def _rewrite_digest(home: Path, version: Any) -> None:
    """A writer of the files AND the rows: make the recorded digest fit the new bytes."""
    store = artifact_store_for_uri(version.uri)
    digest = fingerprint(store, version.uri).digest_of_folder(store, version.uri)
    _edit_row(home, version.id, digest=digest)


def _reload(version: Any) -> Any:
    return Client().get_artifact_version(version.id)


# -- bytes replaced behind the record's back -------------------------------------------------
def test_replaced_pickle_bytes_are_refused_before_they_are_unpickled(marker):
    version = save_artifact(Point(1), name="point")
    (_folder(version) / "artifact.pkl").write_bytes(pickle.dumps(Touch(marker)))
    with pytest.raises(ArtifactIntegrityError, match=r"artifact 'point' \(version 1"):
        _reload(version).load()
    assert not marker.exists()


@step
def read_point(point: Point) -> int:
    return point.x


@pipeline
def point_reader():
    read_point(Client().get_artifact_version("shared_point"))


def test_a_step_input_with_replaced_bytes_fails_the_step_without_unpickling(marker):
    version = save_artifact(Point(2), name="shared_point")
    (_folder(version) / "artifact.pkl").write_bytes(pickle.dumps(Touch(marker)))
    with pytest.raises(PipelineRunFailedError):
        point_reader()
    run = Client().list_pipeline_runs(pipeline_name="point_reader")[0]
    assert "do not match the digest" in run.steps["read_point"].status_message
    assert not marker.exists()


def test_a_numpy_array_replaced_by_an_object_array_is_refused(marker):
    version = save_artifact(np.arange(4), name="numbers")
    np.save(_folder(version) / "data.npy", np.array([Touch(marker)], dtype=object))
    with pytest.raises(ArtifactIntegrityError, match="'numbers'"):
        _reload(version).load()
    assert not marker.exists()


def test_a_planted_file_beside_the_data_fails_the_digest(marker):
    version = save_artifact(Config(rate=0.5), name="config")
    (_folder(version) / "artifact.pkl").write_bytes(pickle.dumps(Touch(marker)))
    with pytest.raises(ArtifactIntegrityError, match="'config'"):
        _reload(version).load()
    assert not marker.exists()


# -- record and files both rewritten: the record's load options still decide -------------------
def test_numpy_never_unpickles_unless_the_record_says_the_array_held_objects(stepwell_home, marker):
    version = save_artifact(np.arange(4), name="numbers")
    np.save(_folder(version) / "data.npy", np.array([Touch(marker)], dtype=object))
    _rewrite_digest(stepwell_home, version)
    with pytest.raises(PickleRefusedError, match="record does not say"):
        _reload(version).load()
    assert not marker.exists()


def test_pandas_reads_the_format_its_record_names_not_the_manifest(stepwell_home, marker):
    frame = pd.DataFrame({"a": [1, 2]})
    version = save_artifact(frame, name="frame")
    folder = _folder(version)
    (folder / "data.pkl").write_bytes(pickle.dumps(Touch(marker)))
    (folder / "metadata.json").write_text(json.dumps({"kind": "dataframe", "format": "pickle"}))
    _rewrite_digest(stepwell_home, version)
    pd.testing.assert_frame_equal(_reload(version).load(), frame)
    assert not marker.exists()


def test_a_planted_pydantic_pickle_is_ignored_when_the_record_says_json(stepwell_home, marker):
    version = save_artifact(Config(rate=0.5), name="config")
    (_folder(version) / "artifact.pkl").write_bytes(pickle.dumps(Touch(marker)))
    _rewrite_digest(stepwell_home, version)
    assert _reload(version).load() == Config(rate=0.5)
    assert not marker.exists()


def test_a_planted_container_manifest_cannot_name_another_materializer(stepwell_home, marker):
    version = save_artifact([np.arange(2), Config(rate=1.0)], name="mixed")
    folder = _folder(version)
    manifest = json.loads((folder / "metadata.json").read_text())
    element = folder / "items" / "0"
    for path in element.iterdir():
        path.unlink()
    (element / "artifact.pkl").write_bytes(pickle.dumps(Touch(marker)))
    manifest["items"][0]["materializer"] = get_source(CloudpickleMaterializer)
    (folder / "metadata.json").write_text(json.dumps(manifest))
    _rewrite_digest(stepwell_home, version)
    with pytest.raises(Exception, match="does not list"):
        _reload(version).load()
    assert not marker.exists()


def test_a_row_switched_to_the_pickle_materializer_is_refused(stepwell_home, marker):
    version = save_artifact(np.arange(3), name="numbers")
    (_folder(version) / "artifact.pkl").write_bytes(pickle.dumps(Touch(marker)))
    _edit_row(stepwell_home, version.id, materializer=get_source(CloudpickleMaterializer))
    _rewrite_digest(stepwell_home, version)
    with pytest.raises(PickleRefusedError, match="'numbers'.*record does not say"):
        _reload(version).load()
    assert not marker.exists()


def test_allow_pickle_false_refuses_even_a_fully_rewritten_record(
    stepwell_home, marker, monkeypatch
):
    version = save_artifact(np.arange(3), name="numbers")
    (_folder(version) / "artifact.pkl").write_bytes(pickle.dumps(Touch(marker)))
    _edit_row(
        stepwell_home,
        version.id,
        materializer=get_source(CloudpickleMaterializer),
        load_options={"allow_pickle": True},
    )
    _rewrite_digest(stepwell_home, version)
    monkeypatch.setenv("STEPWELL_ALLOW_PICKLE", "false")
    with pytest.raises(PickleRefusedError, match="'numbers'.*STEPWELL_ALLOW_PICKLE=false"):
        _reload(version).load()
    assert not marker.exists()


# -- STEPWELL_ALLOW_PICKLE=false refuses every pickle-based load --------------------------------
@pytest.mark.parametrize(
    "value",
    [
        pytest.param(Point(1), id="cloudpickle"),
        pytest.param(np.array([Point(1)], dtype=object), id="numpy-object-array"),
        pytest.param(pd.DataFrame({"a": [[1], [2, 3]]}), id="pandas-pickle"),
        pytest.param(Opaque(point=Point(1)), id="pydantic-pickle"),
        pytest.param([Point(1), Point(2)], id="pickled-container"),
    ],
)
def test_allow_pickle_false_refuses_honest_pickles_naming_the_artifact(value, monkeypatch):
    version = save_artifact(value, name="pickled")
    monkeypatch.setenv("STEPWELL_ALLOW_PICKLE", "false")
    with pytest.raises(PickleRefusedError, match="'pickled'.*STEPWELL_ALLOW_PICKLE=false"):
        version.load()
    monkeypatch.setenv("STEPWELL_ALLOW_PICKLE", "")  # empty means unset: allowed
    assert version.load() is not None


def test_allow_pickle_false_still_loads_artifacts_that_need_no_pickle(monkeypatch):
    version = save_artifact(pd.DataFrame({"a": [1, 2]}), name="plain")
    monkeypatch.setenv("STEPWELL_ALLOW_PICKLE", "false")
    assert version.load()["a"].tolist() == [1, 2]


# -- versions recorded before digests -------------------------------------------------------------
def test_a_version_without_a_digest_loads_with_one_warning(stepwell_home, stepwell_logs):
    version = save_artifact(Point(5), name="old")
    _edit_row(stepwell_home, version.id, digest=None, load_options=None)
    with stepwell_logs.at_level(logging.WARNING):
        assert _reload(version).load() == Point(5)
        assert _reload(version).load() == Point(5)
    warnings = [r for r in stepwell_logs.records if "without a digest" in r.getMessage()]
    assert len(warnings) == 1 and "'old'" in warnings[0].getMessage()


# -- honest artifacts of every built-in materializer ----------------------------------------------
HONEST = [
    pytest.param(7, id="int"),
    pytest.param("text", id="str"),
    pytest.param(None, id="none"),
    pytest.param(b"\x00\x01", id="bytes"),
    pytest.param({"a": [1, 2]}, id="json-dict"),
    pytest.param((1, "two"), id="tuple"),
    pytest.param({1: np.arange(2)}, id="container-of-arrays"),
    pytest.param([Point(1), Point(2)], id="pickled-container"),
    pytest.param(np.arange(6).reshape(2, 3), id="numpy"),
    pytest.param(np.array([Point(3)], dtype=object), id="numpy-object-array"),
    pytest.param(pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}), id="pandas-parquet"),
    pytest.param(pd.DataFrame({"a": [[1], [2, 3]]}), id="pandas-pickle"),
    pytest.param(pd.Series([1.5, 2.5], name="s"), id="pandas-series"),
    pytest.param(Config(rate=0.1), id="pydantic"),
    pytest.param(Opaque(point=Point(4)), id="pydantic-pickle"),
    pytest.param(Point(9), id="cloudpickle"),
    pytest.param(HTMLString("<h1>hi</h1>"), id="html-string"),
    pytest.param(Image.new("RGB", (3, 2), (255, 0, 0)), id="pillow"),
    pytest.param(Image.new("CMYK", (2, 2)), id="pillow-tiff"),
]


def _same(loaded: Any, value: Any) -> bool:
    if isinstance(value, np.ndarray):
        return loaded.shape == value.shape and all(
            a == b for a, b in zip(loaded.ravel(), value.ravel(), strict=True)
        )
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return bool(loaded.equals(value))
    if isinstance(value, Image.Image):
        return loaded.tobytes() == value.tobytes() and loaded.mode == value.mode
    if isinstance(value, dict) and any(isinstance(v, np.ndarray) for v in value.values()):
        return loaded.keys() == value.keys() and all(_same(loaded[k], v) for k, v in value.items())
    return bool(loaded == value)


@pytest.mark.parametrize("value", HONEST)
def test_honest_artifacts_record_a_digest_and_load(value):
    version = _reload(save_artifact(value, name="honest"))
    assert version.digest is not None and version.digest.startswith("sha256:")
    assert _same(version.load(), value)


def test_a_path_artifact_records_a_digest_and_loads(tmp_path):
    source = tmp_path / "data.txt"
    source.write_text("hello")
    version = _reload(save_artifact(source, name="a_path"))
    assert version.digest is not None
    assert Path(version.load()).read_text() == "hello"
