"""Registry resolution: types, typing annotations, runtime values, lazy names, precedence."""

from __future__ import annotations

import collections
import logging
import pathlib
import sys
import types
import typing
from typing import Annotated, Any, Dict, List, Literal, NewType, Optional, Tuple, Union

import numpy as np
import pandas as pd
import pydantic
import pytest

from stepwell.exceptions import MaterializerError
from stepwell.materializers import BaseMaterializer, materializer_registry
from stepwell.materializers.built_in import (
    BuiltInContainerMaterializer,
    BuiltInMaterializer,
    BytesMaterializer,
)
from stepwell.materializers.cloudpickle_materializer import CloudpickleMaterializer
from stepwell.materializers.numpy_materializer import NumpyMaterializer
from stepwell.materializers.pandas_materializer import PandasMaterializer
from stepwell.materializers.path_materializer import PathMaterializer
from stepwell.materializers.pydantic_materializer import PydanticMaterializer
from stepwell.materializers.registry import MaterializerRegistry, normalize_type

REGISTRY_LOGGER = "stepwell.materializers.registry"


class MyModel(pydantic.BaseModel):
    a: int


class MyDict(dict):
    pass


class Unknown:
    pass


UserId = NewType("UserId", int)


@pytest.mark.parametrize(
    ("data_type", "expected"),
    [
        (int, BuiltInMaterializer),
        (bool, BuiltInMaterializer),
        (float, BuiltInMaterializer),
        (str, BuiltInMaterializer),
        (type(None), BuiltInMaterializer),
        (None, BuiltInMaterializer),
        (bytes, BytesMaterializer),
        (dict, BuiltInContainerMaterializer),
        (MyDict, BuiltInContainerMaterializer),
        (collections.OrderedDict, BuiltInContainerMaterializer),
        (frozenset, BuiltInContainerMaterializer),
        (np.ndarray, NumpyMaterializer),
        (np.float32, NumpyMaterializer),
        (pd.DataFrame, PandasMaterializer),
        (pd.Series, PandasMaterializer),
        (MyModel, PydanticMaterializer),
        (pathlib.PosixPath, PathMaterializer),
        (pathlib.Path, PathMaterializer),
    ],
)
def test_type_resolution(data_type: Any, expected: type) -> None:
    assert materializer_registry.get_materializer_for_type(data_type) is expected


@pytest.mark.parametrize(
    ("annotation", "expected"),
    [
        (Optional[int], BuiltInMaterializer),
        (int | None, BuiltInMaterializer),
        (List[int], BuiltInContainerMaterializer),
        (list[np.ndarray], BuiltInContainerMaterializer),
        (Dict[str, pd.DataFrame], BuiltInContainerMaterializer),
        (Tuple[int, str], BuiltInContainerMaterializer),
        (typing.Set[int], BuiltInContainerMaterializer),
        (Annotated[np.ndarray, "features"], NumpyMaterializer),
        (Annotated[Optional[MyModel], "x"], PydanticMaterializer),
        (Union[int, str], BuiltInMaterializer),  # every member maps to the same one
        (UserId, BuiltInMaterializer),
        (Literal["a", "b"], BuiltInMaterializer),
    ],
)
def test_annotation_resolution(annotation: Any, expected: type) -> None:
    assert materializer_registry.get_materializer_for_type(annotation) is expected


def test_normalize_type() -> None:
    assert normalize_type(Any) is None
    assert normalize_type(Optional[List[int]]) is list
    assert normalize_type(Union[int, np.ndarray]) == (int, np.ndarray)
    assert normalize_type(None) is type(None)
    with pytest.raises(MaterializerError, match="forward"):
        normalize_type("pd.DataFrame")
    with pytest.raises(MaterializerError, match="neither a class"):
        normalize_type(42)


def test_unknown_type_falls_back_to_cloudpickle_with_logged_warning(caplog) -> None:
    with caplog.at_level(logging.WARNING, logger=REGISTRY_LOGGER):
        found = materializer_registry.get_materializer_for_type(Unknown)
    assert found is CloudpickleMaterializer
    message = caplog.text
    assert "CloudpickleMaterializer" in message
    assert "not production-ready" in message
    assert "different Python version" in message
    assert "custom materializer" in message
    assert "Unknown" in message


def test_lookup_returns_none_for_fallback_without_logging(caplog) -> None:
    with caplog.at_level(logging.WARNING, logger=REGISTRY_LOGGER):
        assert materializer_registry.lookup(Unknown) is None
        assert not materializer_registry.is_registered(Unknown)
    assert caplog.text == ""


def test_object_is_not_auto_selected_except_as_fallback() -> None:
    assert materializer_registry.lookup(object) is None
    assert object not in materializer_registry.registered_types()


def test_mixed_union_without_a_value_falls_back(caplog) -> None:
    with caplog.at_level(logging.WARNING, logger=REGISTRY_LOGGER):
        found = materializer_registry.get_materializer_for_type(Union[int, np.ndarray])
    assert found is CloudpickleMaterializer


@pytest.mark.parametrize("annotation", [None, Any, object, Union[int, np.ndarray]])
def test_value_decides_when_annotation_is_vague(annotation: Any) -> None:
    value = np.zeros(3)
    found = materializer_registry.get_materializer_for_value(value, annotation)
    assert found is NumpyMaterializer


def test_value_decides_when_annotation_matches_nothing_specific() -> None:
    found = materializer_registry.get_materializer_for_value([1], typing.Sequence[int])
    assert found is BuiltInContainerMaterializer


def test_annotation_wins_when_specific() -> None:
    found = materializer_registry.get_materializer_for_value(True, Optional[int])
    assert found is BuiltInMaterializer
    assert materializer_registry.get_materializer_for_value(None, Optional[MyModel]) is (
        BuiltInMaterializer
    )


def test_zenml_style_accessors() -> None:
    assert materializer_registry[int] is BuiltInMaterializer
    assert np.ndarray in materializer_registry
    assert materializer_registry.get_default_materializer() is CloudpickleMaterializer


# -- lazy registration -------------------------------------------------------------------
class _Materializer(BaseMaterializer):
    SKIP_REGISTRATION = True


@pytest.fixture
def fake_package(monkeypatch):
    """A third-party-like package `fakelib` with a class `fakelib.core.Frame`."""
    package = types.ModuleType("fakelib")
    core = types.ModuleType("fakelib.core")

    class Frame:
        pass

    Frame.__module__ = "fakelib.core"
    Frame.__qualname__ = "Frame"
    core.Frame = Frame
    package.core = core
    package.Frame = Frame
    monkeypatch.setitem(sys.modules, "fakelib", package)
    monkeypatch.setitem(sys.modules, "fakelib.core", core)
    monkeypatch.setattr(sys.modules[__name__], "_FAKE_MATERIALIZER", _Materializer, raising=False)
    return Frame


@pytest.mark.parametrize("name", ["fakelib.core.Frame", ("fakelib", "Frame")])
def test_lazy_registration_resolves_when_a_class_of_the_package_is_seen(fake_package, name) -> None:
    registry = MaterializerRegistry(load_defaults=False)
    registry.register_lazy(name, f"{__name__}:_FAKE_MATERIALIZER")
    registry.lookup(int)  # another package: nothing resolved yet
    assert registry.registered_types() == {}

    class SubFrame(fake_package):
        pass

    assert registry.lookup(SubFrame) is _Materializer
    assert registry.registered_types() == {fake_package: _Materializer}


def test_lazy_registration_with_a_bad_name_is_logged_not_raised(fake_package, caplog) -> None:
    registry = MaterializerRegistry(load_defaults=False)
    registry.register_lazy("fakelib.core.Missing", f"{__name__}:_FAKE_MATERIALIZER")
    with caplog.at_level(logging.WARNING, logger=REGISTRY_LOGGER):
        assert registry.lookup(fake_package) is None
    assert "fakelib.core.Missing" in caplog.text


# -- precedence ----------------------------------------------------------------------------
class Token:
    pass


class SubToken(Token):
    pass


class _First(BaseMaterializer):
    SKIP_REGISTRATION = True


class _Second(BaseMaterializer):
    SKIP_REGISTRATION = True


def test_most_specific_class_in_mro_wins() -> None:
    registry = MaterializerRegistry(load_defaults=False)
    registry.register(_First, (Token,))
    registry.register(_Second, (SubToken,))
    assert registry.lookup(SubToken) is _Second
    assert registry.lookup(Token) is _First


def test_override_false_keeps_an_existing_registration() -> None:
    registry = MaterializerRegistry(load_defaults=False)
    registry.register(_First, (Token,))
    registry.register(_Second, (Token,), override=False)
    assert registry.lookup(Token) is _First
    registry.register(_Second, (Token,))
    assert registry.lookup(Token) is _Second


def test_register_rejects_non_classes() -> None:
    with pytest.raises(MaterializerError, match="only classes"):
        MaterializerRegistry(load_defaults=False).register(_First, (List[int],))


# -- entry points --------------------------------------------------------------------------
class PluginThing:
    pass


class _FakeEntryPoint:
    """Stands for a plugin's entry point: loading it defines its materializer."""

    name = "plugin"
    loaded: Any = None

    def load(self):
        class PluginMaterializer(BaseMaterializer):
            ASSOCIATED_TYPES = (PluginThing,)

        _FakeEntryPoint.loaded = PluginMaterializer
        return PluginMaterializer


def test_entry_points_are_read_once_when_a_lookup_finds_nothing(monkeypatch) -> None:
    import importlib.metadata

    calls = []

    def fake_entry_points(*, group):
        calls.append(group)
        return [_FakeEntryPoint()]

    monkeypatch.setattr(importlib.metadata, "entry_points", fake_entry_points)
    registry = MaterializerRegistry()
    assert registry.lookup(int) is BuiltInMaterializer
    assert calls == []
    assert registry.lookup(PluginThing) is _FakeEntryPoint.loaded
    assert registry.lookup(Unknown) is None
    assert calls == ["stepwell.materializers"]
