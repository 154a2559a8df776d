"""Materializers: turn step outputs into files in the artifact store and back.

Role in the flow (launch -> materializer -> artifact store): the launcher asks
`materializer_registry` which `BaseMaterializer` subclass fits each output, saves the value
with it, and records the class's source so that any process can load the artifact later.

Importing this package stays light: numpy, pandas and pydantic materializers are registered
by name and imported only when a value of those libraries is seen. The built-in classes are
importable from here lazily, e.g. `from stepwell.materializers import BuiltInMaterializer`.
"""

from __future__ import annotations

import importlib
from typing import Any

from stepwell.materializers.base_materializer import BaseMaterializer
from stepwell.materializers.registry import MaterializerRegistry, materializer_registry

_LAZY_EXPORTS = {
    "BuiltInMaterializer": "built_in",
    "BuiltInContainerMaterializer": "built_in",
    "BytesMaterializer": "built_in",
    "CloudpickleMaterializer": "cloudpickle_materializer",
    "NumpyMaterializer": "numpy_materializer",
    "PandasMaterializer": "pandas_materializer",
    "PathMaterializer": "path_materializer",
    "PydanticMaterializer": "pydantic_materializer",
    "PillowImageMaterializer": "pillow_materializer",
    "StructuredStringMaterializer": "structured_string_materializer",
}

__all__ = [
    "BaseMaterializer",
    "MaterializerRegistry",
    "materializer_registry",
    *_LAZY_EXPORTS,
]


def __getattr__(name: str) -> Any:
    """Import a built-in materializer class on first access (keeps the package import light)."""
    module = _LAZY_EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
