"""`step.call_entrypoint(...)` checks and coerces arguments, then calls the plain function."""

import pytest

from stepwell import step
from stepwell.exceptions import StepInterfaceError


@step
def add(a: int, b: int = 1) -> int:
    return a + b


@step
async def double(x: int) -> int:
    return 2 * x


def test_arguments_are_coerced_and_defaults_apply():
    assert add.call_entrypoint("41") == 42


def test_an_async_step_is_run_to_its_result():
    assert double.call_entrypoint(x="4") == 8


def test_an_argument_that_does_not_fit_is_a_step_interface_error():
    with pytest.raises(StepInterfaceError, match="Invalid argument 'a' for step 'add'"):
        add.call_entrypoint("many")


def test_missing_or_unknown_arguments_are_a_step_interface_error():
    with pytest.raises(StepInterfaceError, match="missing a required argument: 'a'"):
        add.call_entrypoint()
    with pytest.raises(StepInterfaceError, match="unexpected keyword argument 'c'"):
        add.call_entrypoint(1, c=2)
