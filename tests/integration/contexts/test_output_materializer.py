"""`get_step_context().get_output_materializer(...)`: a materializer a step can write an
output with by hand, on that output's URI and the run's artifact store (real runs)."""

import os
from pathlib import Path
from typing import Annotated, Any, Union

import pytest

from stepwell import get_step_context, pipeline, step
from stepwell.client import Client
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import PipelineRunFailedError
from stepwell.materializers.built_in import BuiltInMaterializer, BytesMaterializer
from stepwell.materializers.cloudpickle_materializer import CloudpickleMaterializer

MARKER = "written_by_hand.txt"


class MarkingMaterializer(BuiltInMaterializer):
    """Saves like the built-in one, plus a marker file (inherits its types: not registered)."""

    def save(self, data: Any) -> None:
        super().save(data)
        with self.artifact_store.open(os.path.join(self.uri, MARKER), "w") as handle:
            handle.write("by hand")


def _describe(materializer: Any, output_name: str | None = None) -> str:
    context = get_step_context()
    same_uri = materializer.uri == context.get_output_artifact_uri(output_name)
    same_store = materializer.artifact_store is context.artifact_store
    return f"{type(materializer).__name__}|{same_uri}|{same_store}"


@step(output_materializers={"data": MarkingMaterializer})
def configured() -> tuple[Annotated[int, "data"], Annotated[str, "info"]]:
    materializer = get_step_context().get_output_materializer("data")
    return 1, _describe(materializer, "data")


@step
def annotated_and_custom() -> tuple[Annotated[int, "data"], Annotated[str, "info"]]:
    context = get_step_context()
    by_annotation = context.get_output_materializer("data")
    custom = context.get_output_materializer("data", custom_materializer_class=BytesMaterializer)
    return 1, f"{_describe(by_annotation, 'data')};{type(custom).__name__}"


@step
def untyped_output() -> tuple[Annotated[Any, "data"], Annotated[str, "info"]]:
    context = get_step_context()
    try:
        context.get_output_materializer("data")
        refused = "no error"
    except RuntimeError as error:  # StepContextError is a RuntimeError, as in ZenML
        refused = str(error)
    chosen = context.get_output_materializer("data", data_type=bytes)
    return b"x", f"{type(chosen).__name__}|{refused}"


@step
def union_output() -> tuple[Annotated[Union[int, bytes], "data"], Annotated[str, "info"]]:
    context = get_step_context()
    try:
        context.get_output_materializer("data")
        refused = "no error"
    except RuntimeError as error:
        refused = str(error)
    chosen = context.get_output_materializer("data", data_type=bytes)
    return b"x", f"{type(chosen).__name__}|{refused}"


class Unregistered:
    """A type no materializer is registered for: saving falls back to cloudpickle."""


@step
def unregistered_output() -> tuple[Annotated[Unregistered, "data"], Annotated[str, "info"]]:
    materializer = get_step_context().get_output_materializer("data")
    return Unregistered(), type(materializer).__name__


@step
def bad_requests() -> str:
    context = get_step_context()
    messages = []
    for kwargs in ({"output_name": "nope"}, {"custom_materializer_class": dict}):
        try:
            context.get_output_materializer(**kwargs)
            messages.append("no error")
        except RuntimeError as error:
            messages.append(str(error))
    return "\n".join(messages)


@pipeline(enable_cache=False)
def choosing():
    configured()
    annotated_and_custom()
    untyped_output()
    union_output()
    unregistered_output()
    bad_requests()


def _info(run: Any, step_name: str) -> str:
    return run.steps[step_name].outputs["info"][0].load()


def test_the_materializer_is_an_instance_on_the_outputs_uri_and_the_runs_store():
    run = choosing()
    assert _info(run, "configured") == "MarkingMaterializer|True|True"
    by_annotation, custom = _info(run, "annotated_and_custom").split(";")
    assert by_annotation == "BuiltInMaterializer|True|True"
    assert custom == "BytesMaterializer"


def test_an_output_without_a_usable_type_needs_data_type():
    run = choosing()
    chosen, refused = _info(run, "untyped_output").split("|", 1)
    assert chosen == "BytesMaterializer"
    assert "Output 'data' of step 'untyped_output' has no annotated type" in refused
    assert "data_type=" in refused
    chosen, refused = _info(run, "union_output").split("|", 1)
    assert chosen == "BytesMaterializer"
    assert "no single materializer handles all of int, bytes" in refused


def test_a_type_without_its_own_materializer_gets_the_one_saving_uses():
    run = choosing()
    assert _info(run, "unregistered_output") == CloudpickleMaterializer.__name__
    recorded = run.steps["unregistered_output"].outputs["data"][0].materializer
    assert recorded.endswith(f":{CloudpickleMaterializer.__name__}")


def test_unknown_outputs_and_non_materializers_are_refused_with_the_fix():
    unknown, not_a_class = choosing().steps["bad_requests"].output.load().split("\n")
    assert unknown == "Step 'bad_requests' has no output 'nope'; its outputs are ['output']."
    assert "custom_materializer_class=<class 'dict'> is not a materializer" in not_a_class
    assert "subclass of stepwell.materializers.base_materializer.BaseMaterializer" in not_a_class


@step
def writes_then_returns() -> int:
    get_step_context().get_output_materializer(custom_materializer_class=MarkingMaterializer).save(
        1
    )
    assert os.path.exists(os.path.join(get_step_context().get_output_artifact_uri(), MARKER))
    return 2


@pipeline(enable_cache=False)
def hand_then_return():
    writes_then_returns()


def test_a_returned_value_replaces_what_the_step_wrote_by_hand():
    run = hand_then_return()
    assert run.status is ExecutionStatus.COMPLETED
    version = run.steps["writes_then_returns"].output
    assert version.load() == 2
    assert not os.path.exists(os.path.join(version.uri, MARKER))
    assert version.materializer.endswith(":BuiltInMaterializer")
    assert version.run_metadata["storage_size"] == version.size == len(b"2")


@step
def writes_then_fails() -> int:
    materializer = get_step_context().get_output_materializer()
    materializer.save(1)
    Path(os.environ["HAND_WRITTEN_URI"]).write_text(materializer.uri)
    raise ValueError("boom")


@pipeline(enable_cache=False)
def hand_then_fail():
    writes_then_fails()


def test_bytes_written_by_hand_go_when_the_step_fails(tmp_path, monkeypatch):
    record = tmp_path / "uri.txt"
    monkeypatch.setenv("HAND_WRITTEN_URI", str(record))
    with pytest.raises((PipelineRunFailedError, ValueError)):
        hand_then_fail()
    uri = record.read_text()
    assert uri and not os.path.exists(uri)
    assert Client().list_artifact_versions().total == 0
