"""Outputs go through materializers into the artifact store, atomically."""

import os
from typing import Annotated, Any, Tuple

import pytest

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import MaterializerError, PipelineRunFailedError
from stepwell.materializers.base_materializer import BaseMaterializer


class Temperature:
    def __init__(self, celsius: float) -> None:
        self.celsius = celsius


class TemperatureMaterializer(BaseMaterializer):
    ASSOCIATED_TYPES = (Temperature,)

    def save(self, data: Temperature) -> None:
        with self.artifact_store.open(os.path.join(self.uri, "celsius.txt"), "w") as handle:
            handle.write(str(data.celsius))

    def load(self, data_type: type) -> Any:
        with self.artifact_store.open(os.path.join(self.uri, "celsius.txt"), "r") as handle:
            return Temperature(float(handle.read()))


class LoudStringMaterializer(BaseMaterializer):
    """Chosen per output only: it does not register itself as the materializer for `str`."""

    ASSOCIATED_TYPES = (str,)
    SKIP_REGISTRATION = True

    def save(self, data: str) -> None:
        with self.artifact_store.open(os.path.join(self.uri, "loud.txt"), "w") as handle:
            handle.write(data.upper())

    def load(self, data_type: type) -> Any:
        with self.artifact_store.open(os.path.join(self.uri, "loud.txt"), "r") as handle:
            return handle.read()


@step
def measure() -> Temperature:
    return Temperature(21.5)


@step(output_materializers={"loud": LoudStringMaterializer})
def words() -> Tuple[Annotated[str, "loud"], Annotated[str, "quiet"]]:
    return "hello", "hello"


@pipeline
def materializer_pipeline():
    measure()
    words()


def test_custom_materializer_for_a_type_and_per_output():
    run = materializer_pipeline()
    temperature = run.steps["measure"].output
    assert temperature.materializer.endswith("TemperatureMaterializer")
    assert temperature.load().celsius == 21.5
    outputs = run.steps["words"].outputs
    assert outputs["loud"][0].load() == "HELLO"
    assert outputs["quiet"][0].load() == "hello"


def test_output_materializers_for_an_unknown_output_fail_at_definition():
    with pytest.raises(MaterializerError, match="unknown output"):

        @step(output_materializers={"nope": LoudStringMaterializer})
        def one() -> int:
            return 1


@step(output_materializers=LoudStringMaterializer)
def shouted() -> Tuple[Annotated[str, "first"], Annotated[str, "second"]]:
    return "one", "two"


def test_a_single_materializer_serves_every_output_of_the_step():
    assert set(shouted.config.output_materializers) == {"first", "second"}

    @pipeline
    def shouting():
        shouted()

    outputs = shouting().steps["shouted"].outputs
    assert [outputs[name][0].load() for name in ("first", "second")] == ["ONE", "TWO"]
    # Named entries still win over the one for all.
    mixed = shouted.with_options(
        output_materializers={"second": "stepwell.materializers.built_in.BuiltInMaterializer"}
    )
    assert mixed.config.output_materializers["second"].endswith("BuiltInMaterializer")
    assert mixed.config.output_materializers["first"].endswith("LoudStringMaterializer")


class BrokenMaterializer(BaseMaterializer):
    ASSOCIATED_TYPES = (bytes,)
    SKIP_REGISTRATION = True  # only used where chosen; must not replace the bytes default

    def save(self, data: bytes) -> None:
        with self.artifact_store.open(os.path.join(self.uri, "part.bin"), "wb") as handle:
            handle.write(data[:3])
        raise OSError("disk full halfway")

    def load(self, data_type: type) -> Any:
        raise AssertionError("never loaded")


@step(output_materializers=BrokenMaterializer)
def produce_bytes() -> bytes:
    return b"abcdef"


@pipeline
def broken_pipeline():
    produce_bytes()


def test_a_failed_save_leaves_no_visible_artifact_and_no_staging_folder(stepwell_home):
    with pytest.raises(PipelineRunFailedError):
        broken_pipeline()
    run = Client().list_pipeline_runs(pipeline_name="broken_pipeline")[0]
    step_run = run.steps["produce_bytes"]
    assert step_run.status is ExecutionStatus.FAILED
    assert "disk full halfway" in step_run.exception
    assert Client().list_artifact_versions(name="broken_pipeline::produce_bytes::output") == []
    leftovers = [
        os.path.join(root, name)
        for root, dirs, files in os.walk(stepwell_home / "artifacts" / "produce_bytes")
        for name in files + [d for d in dirs if d.startswith(".staging-")]
    ]
    assert leftovers == []


@step
def wrong_output_type() -> int:
    return "not an int"  # type: ignore[return-value]


@pipeline
def wrong_type_pipeline():
    wrong_output_type()


def test_an_output_of_the_wrong_type_fails_the_step_naming_the_output():
    with pytest.raises(PipelineRunFailedError):
        wrong_type_pipeline()
    run = Client().list_pipeline_runs(pipeline_name="wrong_type_pipeline")[0]
    message = run.steps["wrong_output_type"].status_message
    assert "Output 'output'" in message and "int" in message and "str" in message


def test_a_file_url_artifact_store_writes_to_that_folder(tmp_path, monkeypatch):
    root = tmp_path / "store"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("STEPWELL_ARTIFACT_STORE_PATH", f"file://{root}")
    run = materializer_pipeline()
    version = run.steps["measure"].output
    assert version.uri.startswith(str(root) + os.sep)
    assert os.path.exists(version.uri)
    assert not (tmp_path / "file:").exists()
    assert Client().get_artifact_version(version.id).load().celsius == 21.5
