"""`log_metadata` on each of its targets, as ZenML's docs use it, read back as `run_metadata`.

Inside a step the metadata travels back with the step's result and the orchestrating process
writes it; outside a step it is written at once.
"""

from typing import Annotated

import pytest

from stepwell import get_step_context, log_metadata, pipeline, step
from stepwell.client import Client
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import MetadataError, MetadataTypeError
from stepwell.metadata.metadata_types import DType, Path, StorageSize, Uri


@step
def train() -> Annotated[int, "model"]:
    log_metadata(metadata={"accuracy": 0.9, "data": Uri("s3://bucket/data")})
    log_metadata(metadata={"kind": "tree"}, infer_artifact=True)
    return 3


@step
def evaluate(model: int) -> tuple[Annotated[int, "score"], Annotated[int, "loss"]]:
    log_metadata(metadata={"split": "test"}, artifact_name="loss", infer_artifact=True)
    get_step_context().add_output_metadata({"best": True}, output_name="score")
    return model * 2, 1


@pipeline
def metadata_pipeline():
    evaluate(train())


@step
def fails() -> int:
    log_metadata(metadata={"reached": 1})
    raise RuntimeError("boom")


@pipeline
def failing_pipeline():
    fails()


@step
def logs_on_its_run() -> int:
    run = get_step_context().pipeline_run
    log_metadata(metadata={"from_step": "yes"}, run_id_name_or_prefix=run.id)
    return 1


@pipeline
def run_logging_pipeline():
    logs_on_its_run()


@step
def bad_value() -> int:
    log_metadata(metadata={"thing": object()})
    return 1


@pipeline
def bad_value_pipeline():
    bad_value()


def test_metadata_logged_in_a_step_is_on_its_step_run_with_its_types():
    run = metadata_pipeline()
    train_run = Client().get_pipeline_run(run.id).steps["train"]
    assert train_run.run_metadata == {"accuracy": 0.9, "data": "s3://bucket/data"}
    assert type(train_run.run_metadata["data"]) is Uri
    assert run.run_metadata == {}  # the run has only what is logged on it


def test_infer_artifact_puts_metadata_on_the_single_or_named_output():
    run = Client().get_pipeline_run(metadata_pipeline().id)
    model = run.steps["train"].output
    assert model.run_metadata["kind"] == "tree"
    assert model.run_metadata["value"] == 3  # what the materializer extracted, too
    outputs = run.steps["evaluate"].outputs
    assert outputs["loss"][0].run_metadata["split"] == "test"
    assert "split" not in outputs["score"][0].run_metadata
    assert outputs["score"][0].run_metadata["best"] is True


def test_metadata_on_a_run_a_step_by_name_and_an_artifact_version_from_outside():
    run = metadata_pipeline()
    log_metadata(metadata={"owner": "ml-team"}, run_id_name_or_prefix=run.name)
    log_metadata(metadata={"reviewed": True}, step_name="evaluate", run_id_name_or_prefix=run.id)
    log_metadata(metadata={"approved": "yes"}, artifact_name="model", artifact_version="1")
    client = Client()
    fresh = client.get_pipeline_run(run.id)
    assert fresh.run_metadata == {"owner": "ml-team"}
    assert fresh.steps["evaluate"].run_metadata == {"reviewed": True}
    assert client.get_artifact_version("model", "1").run_metadata["approved"] == "yes"


def test_metadata_by_step_id_and_artifact_version_id():
    run = Client().get_pipeline_run(metadata_pipeline().id)
    step_run, version = run.steps["train"], run.steps["train"].output
    log_metadata(metadata={"by": "id"}, step_id=step_run.id)
    log_metadata(metadata={"size": StorageSize(42)}, artifact_version_id=version.id)
    assert Client().get_run_step(step_run.id).run_metadata["by"] == "id"
    stored = Client().get_artifact_version(version.id).run_metadata["size"]
    assert stored == 42 and type(stored) is StorageSize


def test_every_metadata_type_comes_back_as_the_type_it_was_logged_as():
    run = metadata_pipeline()
    values = {
        "uri": Uri("gs://x"),
        "path": Path("/data/x.csv"),
        "dtype": DType("float32"),
        "bytes": StorageSize(1024),
        "shape": (3, 4),
        "labels": {"cat", "dog"},
        "nested": {"a": [1, 2, {"b": None}]},
        "ratio": float("nan"),
        "flag": False,
        "nothing": None,
    }
    log_metadata(metadata=values, run_id_name_or_prefix=run.id)
    stored = Client().get_pipeline_run(run.id).run_metadata
    for key, value in values.items():
        assert type(stored[key]) is type(value), key
    assert stored["shape"] == (3, 4) and stored["labels"] == {"cat", "dog"}
    assert stored["ratio"] != stored["ratio"]  # NaN survives (JSON has none)
    assert stored["nested"] == {"a": [1, 2, {"b": None}]}


def test_the_newest_value_of_a_key_wins_and_dict_values_merge():
    run = metadata_pipeline()
    log_metadata(metadata={"epoch": 1, "scores": {"a": 1}}, run_id_name_or_prefix=run.id)
    log_metadata(metadata={"epoch": 2, "scores": {"b": 2}}, run_id_name_or_prefix=run.id)
    stored = Client().get_pipeline_run(run.id).run_metadata
    assert stored["epoch"] == 2
    assert stored["scores"] == {"a": 1, "b": 2}


def test_a_step_may_log_on_its_own_run_by_id():
    run = run_logging_pipeline()
    assert Client().get_pipeline_run(run.id).run_metadata == {"from_step": "yes"}


def test_metadata_logged_before_a_step_fails_is_kept():
    run = failing_pipeline.with_options(execution_mode="continue_on_failure")
    with pytest.raises(RuntimeError):
        run()
    failed = Client().list_pipeline_runs(pipeline_name="failing_pipeline")[0]
    step_run = failed.steps["fails"]
    assert step_run.status is ExecutionStatus.FAILED
    assert step_run.run_metadata == {"reached": 1}


def test_a_value_that_cannot_be_stored_fails_the_step_naming_the_key():
    with pytest.raises(MetadataTypeError, match="'thing'"):
        bad_value_pipeline.with_options(execution_mode="fail_fast")()


def test_outside_a_step_without_a_target_is_a_value_error():
    with pytest.raises(ValueError, match="outside of a step"):
        log_metadata(metadata={"x": 1})


def test_an_artifact_name_without_version_or_inference_is_unsupported():
    with pytest.raises(MetadataError, match="Unsupported"):
        log_metadata(metadata={"x": 1}, artifact_name="model")


def test_model_targets_outside_a_step_need_a_model_and_version():
    with pytest.raises(MetadataError, match="works only inside a step that has a model"):
        log_metadata(metadata={"x": 1}, infer_model=True)
    with pytest.raises(MetadataError, match="needs model_version"):
        log_metadata(metadata={"x": 1}, model_name="m")


def test_a_bad_value_outside_a_step_names_its_key_and_writes_nothing():
    run = metadata_pipeline()
    with pytest.raises(MetadataTypeError, match="'when'"):
        log_metadata(metadata={"ok": 1, "when": object()}, run_id_name_or_prefix=run.id)
    assert Client().get_pipeline_run(run.id).run_metadata == {}


def test_deleting_a_run_deletes_its_metadata():
    run = Client().get_pipeline_run(metadata_pipeline().id)
    step_id = run.steps["train"].id
    log_metadata(metadata={"owner": "me"}, run_id_name_or_prefix=run.id)
    store = Client().store
    Client().delete_pipeline_run(run.id)
    assert store.get_run_metadata("pipeline_run", [run.id]) == {}
    assert store.get_run_metadata("step_run", [step_id]) == {}
