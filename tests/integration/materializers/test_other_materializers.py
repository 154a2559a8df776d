"""Round trips of pydantic models, paths, the cloudpickle fallback and user materializers."""

from __future__ import annotations

import json
import logging
import os
import pathlib
from typing import Any, Optional

import numpy as np
import pydantic
import pytest

from stepwell.enums import ArtifactType
from stepwell.exceptions import MaterializerError
from stepwell.materializers import BaseMaterializer, materializer_registry
from stepwell.materializers.cloudpickle_materializer import (
    VERSION_FILE,
    CloudpickleMaterializer,
)
from stepwell.materializers.loading import load_artifact
from stepwell.materializers.path_materializer import PathMaterializer
from stepwell.materializers.pydantic_materializer import PydanticMaterializer
from stepwell.utils.sources import get_source


class Settings(pydantic.BaseModel):
    name: str
    rate: float = 0.1
    tags: list[str] = []
    child: Optional[Settings] = None


class HoldsArray(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(arbitrary_types_allowed=True)
    values: np.ndarray


def test_pydantic_model_round_trip(roundtrip) -> None:
    model = Settings(name="a", tags=["x"], child=Settings(name="b", rate=2))
    loaded, metadata, uri = roundtrip(model, with_metadata=True)
    assert type(loaded) is Settings and loaded == model
    assert os.listdir(uri) == ["data.json"]
    with open(os.path.join(uri, "data.json")) as f:
        assert json.load(f)["child"]["name"] == "b"
    assert metadata == {"fields": ["name", "rate", "tags", "child"]}


def test_pydantic_model_without_json_form_is_pickled(roundtrip, caplog) -> None:
    model = HoldsArray(values=np.arange(3))
    with caplog.at_level(logging.WARNING):
        loaded = roundtrip(model)
    np.testing.assert_array_equal(loaded.values, model.values)
    assert "cannot be dumped as JSON" in caplog.text


def test_pydantic_without_importable_class_gives_a_dict(store, caplog) -> None:
    uri = store.new_artifact_uri("m")
    PydanticMaterializer(uri, store).save(Settings(name="z"))
    with caplog.at_level(logging.WARNING):
        loaded = load_artifact(uri, get_source(PydanticMaterializer), "nowhere.module:Gone")
    assert loaded["name"] == "z"
    assert "not importable" in caplog.text


# -- paths -------------------------------------------------------------------------------
def test_path_to_a_file(roundtrip, tmp_path) -> None:
    source = tmp_path / "work" / "model.bin"
    source.parent.mkdir()
    source.write_bytes(b"\x00weights")
    loaded, metadata, uri = roundtrip(source, with_metadata=True)
    assert isinstance(loaded, pathlib.Path)
    assert loaded.name == "model.bin" and loaded.read_bytes() == b"\x00weights"
    assert loaded != source and not str(loaded).startswith(uri)
    assert os.path.isfile(os.path.join(uri, "file", "model.bin"))
    assert metadata == {"kind": "file", "name": "model.bin", "size": 8}


def test_path_to_a_folder(roundtrip, tmp_path) -> None:
    source = tmp_path / "dataset"
    (source / "nested" / "deep").mkdir(parents=True)
    (source / "empty").mkdir()
    (source / "a.txt").write_text("A")
    (source / "nested" / "deep" / "b.txt").write_text("B")
    loaded, metadata, uri = roundtrip(source, with_metadata=True)
    assert loaded.is_dir() and loaded.name == "dataset"
    assert (loaded / "a.txt").read_text() == "A"
    assert (loaded / "nested" / "deep" / "b.txt").read_text() == "B"
    assert (loaded / "empty").is_dir()
    assert os.path.isdir(os.path.join(uri, "dir", "dataset"))
    assert metadata == {"kind": "dir", "name": "dataset", "files": 2, "size": 2}
    # Each load gives a fresh copy: changing it leaves the artifact intact.
    (loaded / "a.txt").write_text("changed")
    again = PathMaterializer(uri).load(pathlib.Path)
    assert again != loaded and (again / "a.txt").read_text() == "A"


def test_missing_path_is_an_error(store, tmp_path) -> None:
    materializer = PathMaterializer(store.new_artifact_uri("p"), store)
    with pytest.raises(MaterializerError, match="neither an existing file nor a folder"):
        materializer.save(tmp_path / "missing")


# -- cloudpickle fallback ----------------------------------------------------------------
class Custom:
    def __init__(self, payload: Any) -> None:
        self.payload = payload


def test_unknown_class_is_cloudpickled_with_a_logged_warning(roundtrip, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        loaded, _, uri = roundtrip(Custom({"k": [1, 2]}), with_metadata=True)
    assert type(loaded) is Custom and loaded.payload == {"k": [1, 2]}
    assert sorted(os.listdir(uri)) == ["artifact.pkl", VERSION_FILE]
    assert "CloudpickleMaterializer" in caplog.text
    assert "not production-ready" in caplog.text
    assert "different Python version" in caplog.text


def test_cloudpickle_handles_locally_defined_classes(store) -> None:
    class Local:
        value = 42

    uri = store.new_artifact_uri("c")
    CloudpickleMaterializer(uri, store).save(Local())
    assert CloudpickleMaterializer(uri, store).load(object).value == 42


def test_loading_with_another_python_version_logs_a_warning(store, caplog) -> None:
    uri = store.new_artifact_uri("c")
    CloudpickleMaterializer(uri, store).save(Custom(1))
    with open(os.path.join(uri, VERSION_FILE), "w") as f:
        f.write("2.7.18")
    with caplog.at_level(logging.WARNING):
        assert CloudpickleMaterializer(uri, store).load(Custom).payload == 1
    assert "Python 2.7.18" in caplog.text


def test_unpicklable_value_is_a_materializer_error(store) -> None:
    import threading

    with pytest.raises(MaterializerError, match="Cannot pickle"):
        CloudpickleMaterializer(store.new_artifact_uri("c"), store).save(threading.Lock())


# -- a user's own materializer -----------------------------------------------------------
class Temperature:
    def __init__(self, celsius: float) -> None:
        self.celsius = celsius


class TemperatureMaterializer(BaseMaterializer):
    ASSOCIATED_TYPES = (Temperature,)
    ASSOCIATED_ARTIFACT_TYPE = ArtifactType.DATA

    def save(self, data: Temperature) -> None:
        with self.artifact_store.open(os.path.join(self.uri, "temp.txt"), "w") as f:
            f.write(str(data.celsius))

    def load(self, data_type: type[Any]) -> Temperature:
        with self.artifact_store.open(os.path.join(self.uri, "temp.txt"), "r") as f:
            return data_type(float(f.read()))

    def extract_metadata(self, data: Temperature) -> dict[str, Any]:
        return {"celsius": data.celsius}


def test_user_materializer_is_found_and_used(roundtrip, caplog) -> None:
    class Hot(Temperature):
        pass

    assert materializer_registry.get_materializer_for_type(Hot) is TemperatureMaterializer
    with caplog.at_level(logging.WARNING):
        loaded, metadata, uri = roundtrip(Temperature(21.5), with_metadata=True)
        items = roundtrip([Temperature(1.0), np.zeros(1)])
    assert caplog.text == ""
    assert type(loaded) is Temperature and loaded.celsius == 21.5
    assert metadata == {"celsius": 21.5}
    assert os.listdir(uri) == ["temp.txt"]
    assert items[0].celsius == 1.0


def test_user_materializer_beats_a_built_in_one() -> None:
    class Celsius(float):
        pass

    class CelsiusMaterializer(TemperatureMaterializer):
        ASSOCIATED_TYPES = (Celsius,)

    assert materializer_registry.get_materializer_for_type(Celsius) is CelsiusMaterializer
    assert materializer_registry.get_materializer_for_type(float).__name__ == "BuiltInMaterializer"
