"""ZenML's `source_utils` calls that user code makes, over stepwell's source references.

A source reference names a class or function by `module:qualname` (`stepwell.utils.sources`);
ZenML's dotted `module.attribute` form is accepted wherever one is read:

    from stepwell.utils import source_utils
    source = source_utils.resolve(MyMaterializer)  # "my_pkg.materializers:MyMaterializer"
    source_utils.load(source) is MyMaterializer     # so is load(source.import_path)
    source_utils.get_source_root()                  # the folder user code is imported from
"""

from __future__ import annotations

from typing import Any, TypeVar

from stepwell.exceptions import SourceError

T = TypeVar("T")


class Source(str):
    """A `module:qualname` reference; a string, with ZenML's `import_path` (dotted) too."""

    @property
    def module(self) -> str:
        return self.partition(":")[0]

    @property
    def attribute(self) -> str:
        return self.partition(":")[2]

    @property
    def import_path(self) -> str:
        """The dotted `module.qualname` form."""
        return f"{self.module}.{self.attribute}"


def resolve(obj: Any, skip_validation: bool = False) -> Source:
    """The source reference of a class or function (`skip_validation` is ZenML's: unused)."""
    from stepwell.utils.sources import get_source

    return Source(get_source(obj))


def load(source: str) -> Any:
    """The object a `module:qualname` or dotted `module.attribute` reference names."""
    from stepwell.utils.sources import load_source

    return load_source(str(source))


def load_and_validate_class(source: str, expected_class: type[T]) -> type[T]:
    """The class `source` names, which must be `expected_class` or a subclass of it."""
    loaded = load(source)
    if not (isinstance(loaded, type) and issubclass(loaded, expected_class)):
        raise SourceError(
            f"'{source}' names {loaded!r}, not a subclass of {expected_class.__qualname__}."
        )
    return loaded


def validate_source_class(source: str, expected_class: type) -> bool:
    """Whether `source` names `expected_class` or a subclass of it."""
    try:
        load_and_validate_class(source, expected_class)
    except SourceError:
        return False
    return True


def get_source_root() -> str:
    """The folder that user code is imported from (see `stepwell.utils.source_root`)."""
    from stepwell.utils.source_root import source_root

    return str(source_root())


__all__ = [
    "Source",
    "get_source_root",
    "load",
    "load_and_validate_class",
    "resolve",
    "validate_source_class",
]
