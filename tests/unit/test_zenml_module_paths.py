"""Module paths ZenML's documentation imports from exist under `stepwell` with the same
classes as stepwell's own modules."""

import importlib

import pytest


@pytest.mark.parametrize(
    ("zenml_path", "own_path", "names"),
    [
        (
            "stepwell.materializers.built_in_materializer",
            "stepwell.materializers.built_in",
            ["BuiltInMaterializer", "BuiltInContainerMaterializer", "BytesMaterializer"],
        ),
    ],
)
def test_zenml_module_paths_give_stepwells_classes(zenml_path, own_path, names):
    zenml_module, own_module = (
        importlib.import_module(zenml_path),
        importlib.import_module(own_path),
    )
    for name in names:
        assert getattr(zenml_module, name) is getattr(own_module, name)
