"""ZenML's module name for the built-in materializers (`zenml.materializers.
built_in_materializer`): the same classes as `stepwell.materializers.built_in`, so that
imports written for ZenML work after the rename."""

from stepwell.materializers.built_in import (
    BuiltInContainerMaterializer,
    BuiltInMaterializer,
    BytesMaterializer,
)

__all__ = ["BuiltInContainerMaterializer", "BuiltInMaterializer", "BytesMaterializer"]
