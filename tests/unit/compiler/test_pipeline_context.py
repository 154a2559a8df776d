"""`get_pipeline_context()` shows a pipeline function its configuration while it compiles."""

import pytest

from stepwell import get_pipeline_context, pipeline, step
from stepwell.exceptions import PipelineContextError

seen = {}


@step
def train(model: str) -> str:
    return model


@pipeline(extra={"models": ["tree", "forest"]}, enable_cache=False)
def search():
    context = get_pipeline_context()
    seen.update(name=context.name, cache=context.enable_cache, model=context.model)
    for model in context.extra["models"]:
        train(model=model)


def test_the_pipeline_function_shapes_its_dag_from_extra():
    spec, _ = search.compile()
    assert [inv.id for inv in spec.invocations] == ["train", "train_2"]
    assert seen == {"name": "search", "cache": False, "model": None}


def test_with_options_changes_what_the_context_shows():
    spec, _ = search.with_options(extra={"models": ["svm"]}, enable_cache=True).compile()
    assert [inv.config.parameters["model"] for inv in spec.invocations] == ["svm"]
    assert seen["cache"] is True


def test_outside_a_pipeline_there_is_no_context():
    with pytest.raises(RuntimeError, match="No active pipeline found") as raised:
        get_pipeline_context()
    assert isinstance(raised.value, PipelineContextError)
