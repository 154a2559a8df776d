"""`Pipeline.model`: the pipeline's stored record, as ZenML's "fetching pipelines" guide
reads it (`training_pipeline.model.last_run`); apart from `@pipeline(model=Model(...))`."""

import pytest

from stepwell import Model, pipeline, step
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import EntityNotFoundError
from stepwell.store.models import PipelineResponse


@step(enable_cache=False)
def answer(fail: bool = False) -> int:
    if fail:
        raise ValueError("asked to fail")
    return 42


@pipeline(model=Model(name="answer_model"))
def training_pipeline(fail: bool = False):
    answer(fail=fail)


def test_model_is_the_stored_pipeline_with_its_runs():
    first = training_pipeline()
    with pytest.raises(Exception, match="asked to fail"):
        training_pipeline.with_options(execution_mode="fail_fast")(fail=True)
    stored = training_pipeline.model
    assert isinstance(stored, PipelineResponse) and stored.name == "training_pipeline"
    assert [run.status for run in stored.runs] == [
        ExecutionStatus.FAILED,
        ExecutionStatus.COMPLETED,
    ]
    assert stored.last_run.status is ExecutionStatus.FAILED
    assert stored.last_successful_run.id == first.id
    assert stored.last_successful_run.steps["answer"].output.load() == 42


def test_the_model_control_plane_configuration_is_untouched():
    assert training_pipeline.config.model.name == "answer_model"
    run = training_pipeline()
    assert run.model_version.model.name == "answer_model"
    assert training_pipeline.model.last_run.id == run.id


def test_a_pipeline_that_never_ran_has_no_model_yet():
    @pipeline
    def never_ran():
        answer()

    with pytest.raises(EntityNotFoundError, match="Pipeline 'never_ran' has never run"):
        never_ran.model


def test_a_renamed_copy_reads_its_own_record():
    training_pipeline()
    renamed = training_pipeline.with_options(name="renamed_training")
    with pytest.raises(EntityNotFoundError, match="'renamed_training' has never run"):
        renamed.model
    renamed()
    assert renamed.model.last_run.pipeline_name == "renamed_training"
    assert len(training_pipeline.model.runs) == 1
