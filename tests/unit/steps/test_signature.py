"""Outputs follow the spec's naming and tuple-literal conventions."""

from typing import Annotated, Any, Tuple

import pytest

from stepwell.exceptions import MissingAnnotationError, OutputAnnotationError
from stepwell.steps.signature import parse_inputs, parse_outputs


def names(func):
    return list(parse_outputs(func))


def test_single_output_is_named_output():
    def f() -> int:
        return 1

    assert names(f) == ["output"]


def test_tuple_literal_return_makes_several_outputs():
    def f() -> Tuple[int, int]:
        return 0, 1

    assert names(f) == ["output_0", "output_1"]


def test_tuple_variable_return_is_one_output():
    def f() -> Tuple[int, int]:
        value = (0, 1)
        return value

    outputs = parse_outputs(f)
    assert list(outputs) == ["output"]
    assert outputs["output"].annotation == Tuple[int, int]


def test_parenthesised_tuple_literal_counts():
    def f(a, b) -> Tuple[int, int]:
        return (a, b)

    assert names(f) == ["output_0", "output_1"]


def test_variable_length_tuple_returned_as_variable_is_one_output():
    def f(condition) -> Tuple[int, ...]:
        output_value = (0, 1) if condition else (0, 1, 2)
        return output_value

    assert names(f) == ["output"]


def test_variable_length_tuple_with_literal_return_is_an_error():
    def f() -> Tuple[int, ...]:
        return 0, 1

    with pytest.raises(OutputAnnotationError, match="[Vv]ariable length"):
        parse_outputs(f)


def test_annotated_variable_tuple_is_one_named_output():
    def f() -> Annotated[Tuple[int, ...], "my_output"]:
        return 0, 1

    assert names(f) == ["my_output"]


def test_annotated_names_inside_tuple():
    def divide(a: int, b: int) -> Tuple[Annotated[int, "quotient"], Annotated[int, "remainder"]]:
        return a // b, a % b

    outputs = parse_outputs(divide)
    assert list(outputs) == ["quotient", "remainder"]
    assert all(o.has_custom_name for o in outputs.values())


def test_nested_function_returns_are_ignored():
    def f() -> Tuple[int, int]:
        def helper():
            return 1

        value = (helper(), 2)
        return value

    assert names(f) == ["output"]


def test_none_return_has_no_outputs_and_missing_annotation_has_one():
    def none() -> None:
        pass

    def bare():
        return 1

    assert names(none) == []
    outputs = parse_outputs(bare)
    assert list(outputs) == ["output"] and outputs["output"].annotation is Any


def test_enforced_annotations_reject_missing_ones():
    def f(x):
        return x

    def g(x: int):
        return x

    def ok(x: int) -> None:
        pass

    with pytest.raises(MissingAnnotationError, match="'x'"):
        parse_inputs(f, enforce_annotations=True)
    with pytest.raises(MissingAnnotationError, match="return annotation"):
        parse_outputs(g, enforce_annotations=True)
    assert parse_outputs(ok, enforce_annotations=True) == {}
