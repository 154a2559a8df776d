"""Step parameters are coerced at compile time as ZenML does (pydantic's lax mode), and
compile errors are the types ZenML users catch."""

from typing import Optional

import pytest

from stepwell import pipeline, step
from stepwell.exceptions import (
    InputTypeError,
    MissingInputError,
    ParameterTypeError,
    StepInterfaceError,
)


@step
def as_int(x: int) -> int:
    return x


@step
def scaled(factor: float = 1, label: Optional[str] = None) -> float:
    return factor


def test_a_string_holding_a_number_becomes_an_int_and_the_spec_stores_the_int():
    @pipeline
    def coerce():
        as_int(x="42")

    spec, _ = coerce.compile()
    assert spec.by_id["as_int"].config.parameters == {"x": 42}


def test_an_int_for_a_float_parameter_is_stored_as_a_float():
    @pipeline
    def widen():
        scaled(factor=3)

    spec, _ = widen.compile()
    assert spec.by_id["scaled"].config.parameters == {"factor": 3.0, "label": None}


def test_a_value_that_cannot_be_coerced_is_a_runtime_error_as_in_zenml():
    @pipeline
    def wrong():
        as_int(x="abc")

    with pytest.raises(RuntimeError, match="Parameter 'x' of step invocation 'as_int'") as raised:
        wrong.compile()
    assert isinstance(raised.value, ParameterTypeError)
    assert isinstance(raised.value, InputTypeError)


def test_a_missing_input_is_a_step_interface_error():
    @pipeline
    def missing():
        as_int()

    with pytest.raises(StepInterfaceError, match="Input 'x' of step invocation 'as_int'") as raised:
        missing.compile()
    assert isinstance(raised.value, MissingInputError)


def test_unpacking_a_single_output_is_a_step_interface_error():
    @pipeline
    def unpack():
        a, b = as_int(x=1)

    with pytest.raises(StepInterfaceError, match="cannot be unpacked"):
        unpack.compile()


def test_run_configuration_parameters_are_coerced_too():
    @pipeline
    def configured():
        as_int()

    configured = configured.with_options(steps={"as_int": {"parameters": {"x": "7"}}})
    spec, _ = configured.compile()
    assert spec.by_id["as_int"].config.parameters == {"x": 7}
