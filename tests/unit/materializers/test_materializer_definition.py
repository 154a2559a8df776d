"""Defining materializer classes: validation errors, registration, type checks."""

from __future__ import annotations

from typing import Any, List

import pytest

from stepwell.enums import ArtifactType
from stepwell.exceptions import MaterializerError
from stepwell.materializers import BaseMaterializer, materializer_registry


class Widget:
    pass


class Gadget:
    pass


def test_missing_associated_types_is_an_error() -> None:
    with pytest.raises(MaterializerError, match="has no ASSOCIATED_TYPES"):

        class NoTypes(BaseMaterializer):
            pass


def test_non_class_in_associated_types_is_an_error() -> None:
    with pytest.raises(MaterializerError, match="not a class"):

        class Generic(BaseMaterializer):
            ASSOCIATED_TYPES = (List[int],)


def test_bare_type_instead_of_tuple_is_an_error_with_a_hint() -> None:
    with pytest.raises(MaterializerError, match=r"\(Widget,\)"):

        class Bare(BaseMaterializer):
            ASSOCIATED_TYPES = Widget  # type: ignore[assignment]


def test_unknown_artifact_type_is_an_error() -> None:
    with pytest.raises(MaterializerError, match="ASSOCIATED_ARTIFACT_TYPE"):

        class BadKind(BaseMaterializer):
            ASSOCIATED_TYPES = (Widget,)
            ASSOCIATED_ARTIFACT_TYPE = "NotAnArtifactType"  # type: ignore[assignment]


def test_defining_a_materializer_registers_it() -> None:
    class WidgetMaterializer(BaseMaterializer):
        ASSOCIATED_TYPES = [Widget]  # a list is accepted and normalised
        ASSOCIATED_ARTIFACT_TYPE = "ModelArtifact"  # type: ignore[assignment]

    assert materializer_registry.get_materializer_for_type(Widget) is WidgetMaterializer
    assert WidgetMaterializer.ASSOCIATED_TYPES == (Widget,)
    assert WidgetMaterializer.ASSOCIATED_ARTIFACT_TYPE is ArtifactType.MODEL


def test_skip_registration_and_inherited_types_do_not_register() -> None:
    class AbstractBase(BaseMaterializer):
        SKIP_REGISTRATION = True

    class GadgetMaterializer(AbstractBase):
        ASSOCIATED_TYPES = (Gadget,)

    class Tweaked(GadgetMaterializer):  # inherits its types: validated, not registered
        pass

    assert materializer_registry.lookup(Gadget) is GadgetMaterializer
    assert Tweaked.can_handle_type(Gadget)


def test_type_compatibility() -> None:
    class SubWidget(Widget):
        pass

    class WidgetOnly(BaseMaterializer):
        SKIP_REGISTRATION = True
        ASSOCIATED_TYPES = (Widget,)

    assert WidgetOnly.can_handle_type(SubWidget)
    assert WidgetOnly.can_handle_type(Widget | None)  # Optional[X] is judged by X
    assert not WidgetOnly.can_handle_type(Widget | Gadget)
    assert not WidgetOnly.can_handle_type(Gadget)
    assert not WidgetOnly.can_handle_type(Any)
    materializer = WidgetOnly("/tmp/unused")
    materializer.validate_type_compatibility(SubWidget)
    with pytest.raises(MaterializerError, match="cannot handle"):
        materializer.validate_type_compatibility(Gadget)


def test_base_methods_say_what_is_missing(tmp_path) -> None:
    class Partial(BaseMaterializer):
        SKIP_REGISTRATION = True

    materializer = Partial(str(tmp_path / "artifact"))
    assert materializer.uri == str(tmp_path / "artifact")
    assert materializer.artifact_store.path == str(tmp_path)
    assert materializer.extract_metadata(1) == {}
    with pytest.raises(NotImplementedError, match="save"):
        materializer.save(1)
    with pytest.raises(NotImplementedError, match="load"):
        materializer.load(int)
