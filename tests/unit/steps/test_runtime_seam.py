"""The define layer reaches the engine only through the runtime seam (`steps.runtime`)."""

import pytest

from stepwell import pipeline, step
from stepwell.steps.runtime import preventing_execution, using_runtime


class RecordingRuntime:
    """A fake runtime: records what the define layer asks of it, runs nothing."""

    def __init__(self):
        self.calls = []

    def run_pipeline(self, pipeline, args, kwargs):
        self.calls.append(("pipeline", pipeline.name, args, kwargs))
        return "run"

    def run_single_step(self, step, args, kwargs):
        self.calls.append(("step", step.name, args, kwargs))
        return "value"

    def create_snapshot(self, pipeline, name, description, replace):
        self.calls.append(("snapshot", pipeline.name, name, replace))
        return "snapshot"


@step
def add(a: int, b: int = 1) -> int:
    return a + b


@pipeline
def adding(x: int = 1):
    add(x)


def test_calling_a_pipeline_asks_the_runtime_to_run_it():
    runtime = RecordingRuntime()
    with using_runtime(runtime):
        assert adding(x=3) == "run"
    assert runtime.calls == [("pipeline", "adding", (), {"x": 3})]


def test_calling_a_step_outside_a_pipeline_asks_the_runtime_for_a_single_step_run():
    runtime = RecordingRuntime()
    with using_runtime(runtime):
        assert add(2, b=5) == "value"
    assert runtime.calls == [("step", "add", (2,), {"b": 5})]


def test_creating_a_snapshot_goes_through_the_runtime():
    runtime = RecordingRuntime()
    with using_runtime(runtime):
        assert adding.create_snapshot(name="v1", replace=True) == "snapshot"
    assert runtime.calls == [("snapshot", "adding", "v1", True)]


def test_compiling_never_reaches_the_runtime():
    runtime = RecordingRuntime()
    with using_runtime(runtime):
        spec, _ = adding.compile(x=2)
    assert [inv.id for inv in spec.invocations] == ["add"]
    assert runtime.calls == []


def test_a_step_called_inside_a_running_step_is_the_plain_function():
    from stepwell.steps.step_context import StepContext, step_context

    runtime = RecordingRuntime()
    context = StepContext(pipeline_run=None, step_run=None, pipeline=None, output_uris={})
    with using_runtime(runtime), step_context(context):
        assert add(2, b=5) == 7
    assert runtime.calls == []


def test_the_real_runtime_does_nothing_while_code_is_being_loaded(stepwell_logs):
    with preventing_execution("a test imports code"):
        assert adding(x=1) is None
        assert add(1) is None
        assert adding.create_snapshot(name="never") is None
    assert "Not running pipeline 'adding': a test imports code" in stepwell_logs.text
    assert "Not creating snapshot 'never'" in stepwell_logs.text


def test_an_error_while_building_a_step_is_not_masked_by_its_repr():
    def broken(value: int) -> int:
        return value

    with pytest.raises(Exception, match="unknown output"):
        step(output_materializers={"nope": "a.b:C"})(broken)
    # The half-built objects still have a readable repr.
    from stepwell.steps.base_step import BaseStep

    half = BaseStep.__new__(BaseStep)
    assert repr(half) == "<step ?>"


def test_the_step_decorator_takes_every_step_option_and_nothing_else():
    import inspect

    from stepwell.config.precedence import STEP_OPTIONS
    from stepwell.steps.decorator import step as step_decorator

    keywords = set(inspect.signature(step_decorator).parameters) - {"_func"}
    # `parameters` are set with configure()/with_options() or YAML, not on the decorator.
    assert keywords == set(STEP_OPTIONS) - {"parameters"}


def test_with_options_accepts_exactly_the_config_models_fields():
    from stepwell.config.pipeline_config import PipelineConfig
    from stepwell.config.step_config import StepConfig
    from stepwell.exceptions import ConfigurationError, StepDefinitionError

    for name in StepConfig.model_fields:
        add.with_options(
            **{name: StepConfig.model_fields[name].get_default(call_default_factory=True)}
        )
    with pytest.raises(StepDefinitionError, match="known options"):
        add.with_options(enable_caching=True)
    assert "schedule" in PipelineConfig.model_fields
    with pytest.raises(ConfigurationError, match="known options"):
        adding.with_options(enable_caching=True)
