"""Every stepwell exception survives a pickle round trip (they cross process boundaries)."""

import inspect
import pickle

import pytest

import stepwell.exceptions as exceptions

CLASSES = [
    cls
    for _, cls in inspect.getmembers(exceptions, inspect.isclass)
    if issubclass(cls, BaseException) and cls.__module__ == exceptions.__name__
]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_exception_pickles(cls):
    error = cls("something went wrong")
    restored = pickle.loads(pickle.dumps(error))
    assert type(restored) is cls
    assert str(restored) == "something went wrong"


def test_errors_mix_in_builtins_users_expect():
    assert issubclass(exceptions.InputTypeError, TypeError)
    assert issubclass(exceptions.EntityNotFoundError, KeyError)
    assert not issubclass(exceptions.RunStoppedSignal, Exception)


def test_zenml_exception_names_catch_ours():
    assert exceptions.ValidationError is exceptions.ConfigurationError
    assert exceptions.DoesNotExistException is exceptions.EntityNotFoundError
    assert exceptions.MaterializerInterfaceError is exceptions.MaterializerError
    assert issubclass(exceptions.StepDefinitionError, exceptions.StepInterfaceError)
    assert issubclass(exceptions.MissingInputError, exceptions.StepInterfaceError)
    assert issubclass(exceptions.HookSignatureError, exceptions.HookValidationException)
    assert issubclass(exceptions.EntityInUseError, exceptions.IllegalOperationError)
    assert issubclass(exceptions.ParameterTypeError, RuntimeError)
    assert issubclass(exceptions.StepContextError, RuntimeError)
