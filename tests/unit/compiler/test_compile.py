"""Compiling pipelines into specs: ids, bindings, composition and every compile-time error."""

from typing import Annotated, Tuple

import pytest

from stepwell import pipeline, step
from stepwell.compiler.checks import check_acyclic, check_after_targets_exist, check_unique_ids
from stepwell.compiler.spec import InvocationSpec, PipelineSpec
from stepwell.exceptions import (
    CycleError,
    DuplicateInvocationIdError,
    InputTypeError,
    ParameterNotSerializableError,
    PipelineDefinitionError,
    UnknownAfterTargetError,
)


@step
def load() -> int:
    return 3


@step
def double(x: int) -> int:
    return 2 * x


@step
def text() -> str:
    return "a"


@step
def divide(a: int, b: int) -> Tuple[Annotated[int, "quotient"], Annotated[int, "remainder"]]:
    return a // b, a % b


@step
def side_effect() -> None:
    pass


def test_invocation_ids_count_up_and_skip_custom_ones():
    @pipeline
    def p():
        load()
        load(id="load_2")
        load()
        load(id="custom")

    spec, _ = p.compile()
    assert [i.id for i in spec.invocations] == ["load", "load_2", "load_3", "custom"]


def test_automatic_ids_step_around_custom_ones_taken_later():
    @pipeline
    def p():
        load()
        load()  # load_2
        load(id="load_4")
        load()  # load_3: the first free one
        load()  # load_5: load_4 is taken
        load(id="load_7")
        load()  # load_6
        load()  # load_8

    spec, _ = p.compile()
    assert [i.id for i in spec.invocations] == [
        "load",
        "load_2",
        "load_4",
        "load_3",
        "load_5",
        "load_7",
        "load_6",
        "load_8",
    ]


def test_duplicate_custom_id_is_an_error_naming_it():
    @pipeline
    def p():
        load(id="x")
        load(id="x")

    with pytest.raises(DuplicateInvocationIdError, match="id='x'"):
        p.compile()


def test_after_accepts_outputs_ids_and_lists():
    @pipeline
    def p():
        a = load()
        b = text()
        side_effect(after=[a, b])
        side_effect(after="side_effect")

    spec, _ = p.compile()
    assert spec.by_id["side_effect"].after == ("load", "text")
    assert spec.by_id["side_effect_2"].after == ("side_effect",)


def test_unknown_after_target_names_available_ids():
    @pipeline
    def p():
        load()
        side_effect(after="nope")

    with pytest.raises(UnknownAfterTargetError, match="after='nope'.*load"):
        p.compile()


def test_cycle_through_after_is_detected():
    @pipeline
    def p():
        x = load(after="double")
        double(x)

    with pytest.raises(CycleError, match="cycle"):
        p.compile()


def test_wrong_upstream_type_names_the_input():
    @pipeline
    def p():
        double(text())

    with pytest.raises(InputTypeError, match="Input 'x' of step invocation 'double'.*int.*str"):
        p.compile()


def test_wrong_parameter_type_is_an_error():
    @pipeline
    def p():
        double(x="three")

    with pytest.raises(InputTypeError, match="Parameter 'x'"):
        p.compile()


def test_non_json_parameter_is_an_error():
    @step
    def takes(value) -> None:
        pass

    @pipeline
    def p():
        takes(value=object())

    with pytest.raises(ParameterNotSerializableError, match="'value'.*not JSON-serialisable"):
        p.compile()


def test_pipeline_parameters_flow_to_steps_with_defaults():
    @pipeline
    def p(n: int = 4):
        double(x=n)

    spec, config = p.compile()
    assert config.parameters == {"n": 4}
    assert spec.by_id["double"].config.parameters == {"x": 4}
    spec, config = p.compile(n=7)
    assert spec.by_id["double"].config.parameters == {"x": 7}


def test_multiple_outputs_are_bound_by_name():
    @pipeline
    def p():
        q, r = divide(a=7, b=2)
        double(r)

    spec, _ = p.compile()
    binding = spec.by_id["double"].inputs["x"]
    assert binding.kind == "artifact"
    assert binding.artifacts[0].output_name == "remainder"
    assert [o.artifact_name for o in spec.by_id["divide"].outputs] == ["quotient", "remainder"]


def test_unnamed_outputs_get_pipeline_prefixed_artifact_names():
    @pipeline
    def my_pipe():
        load()

    spec, _ = my_pipe.compile()
    assert spec.invocations[0].outputs[0].artifact_name == "my_pipe::load::output"


def test_composition_inlines_inner_pipeline_and_passes_its_return_value():
    @pipeline
    def data_pipeline(mode: str):
        data = load() if mode == "train" else load(id="test_loader")
        return double(data)

    @pipeline
    def training_pipeline():
        train = data_pipeline(mode="train")
        double(train, id="model")
        test = data_pipeline(mode="test")
        double(test, id="evaluate")

    spec, _ = training_pipeline.compile()
    ids = [i.id for i in spec.invocations]
    assert set(ids) == {"load", "double", "model", "test_loader", "double_2", "evaluate"}
    assert spec.by_id["model"].inputs["x"].artifacts[0].invocation_id == "double"
    assert spec.by_id["evaluate"].inputs["x"].artifacts[0].invocation_id == "double_2"


def test_list_of_outputs_is_a_list_input():
    @step
    def combine(values: list) -> int:
        return sum(values)

    @pipeline
    def p():
        parts = [double(x=i) for i in range(3)]
        combine(parts)

    spec, _ = p.compile()
    binding = spec.by_id["combine"].inputs["values"]
    assert binding.kind == "artifact_list"
    assert [r.invocation_id for r in binding.artifacts] == ["double", "double_2", "double_3"]


def test_spec_round_trips_through_json():
    @pipeline
    def p():
        q, r = divide(a=7, b=2)
        double(q, after=[r])

    spec, _ = p.compile()
    assert PipelineSpec.model_validate_json(spec.model_dump_json()) == spec


def test_missing_input_value_says_how_to_fix():
    @pipeline
    def p():
        double()

    with pytest.raises(PipelineDefinitionError, match="has no value"):
        p.compile()


def literal_spec(*invocations):
    return PipelineSpec(name="lit", invocations=tuple(invocations))


def inv(name, after=()):
    return InvocationSpec(id=name, step_name=name, step_source=f"m:{name}", after=after)


def test_checks_on_literal_specs():
    with pytest.raises(DuplicateInvocationIdError):
        check_unique_ids(literal_spec(inv("a"), inv("a")))
    with pytest.raises(UnknownAfterTargetError):
        check_after_targets_exist(literal_spec(inv("a", after=("b",))))
    with pytest.raises(CycleError, match="a|b"):
        check_acyclic(literal_spec(inv("a", after=("b",)), inv("b", after=("a",))))
    check_acyclic(literal_spec(inv("a"), inv("b", after=("a",))))


def test_a_step_renamed_with_options_or_configure_compiles_under_its_new_name():
    renamed = load.with_options(name="fetch")
    assert (renamed.name, load.name) == ("fetch", "load")

    @pipeline
    def p():
        renamed()
        load()

    spec, _ = p.compile()
    assert [(i.id, i.step_name) for i in spec.invocations] == [
        ("fetch", "fetch"),
        ("load", "load"),
    ]
    copy = load.with_options()
    copy.configure(name="pull")
    assert copy.name == "pull" and load.name == "load"
