"""The materializer registry: which materializer writes a value of a given type.

Role in the flow (launch -> materializer -> artifact store): when a step returns, the launcher
asks this registry for the materializer of each output (by its annotation and runtime value);
that materializer then writes the value through the artifact store.

Third-party types (numpy, pandas, pydantic) are registered *by name* so that importing
stepwell never imports those libraries; a name is resolved only once a class of its package
is actually looked up. Plugins add materializers through the `stepwell.materializers` entry
point group, read the first time a lookup finds nothing specific. Unknown types fall back to
the cloudpickle materializer, with a logged warning.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import types
import typing
from typing import TYPE_CHECKING, Any, Union

from stepwell.exceptions import MaterializerError
from stepwell.utils.fork_locks import fork_safe_lock

if TYPE_CHECKING:
    from stepwell.materializers.base_materializer import BaseMaterializer

logger = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "stepwell.materializers"
_PKG = "stepwell.materializers"
_NONE_TYPE = type(None)
_MISSING = (inspect.Parameter.empty, inspect.Signature.empty)

# Built-in registrations by name: resolved only when a class of that package shows up.
_DEFAULT_LAZY: tuple[tuple[str, str], ...] = (
    ("numpy.ndarray", f"{_PKG}.numpy_materializer:NumpyMaterializer"),
    ("numpy.generic", f"{_PKG}.numpy_materializer:NumpyMaterializer"),
    ("pandas.core.frame.DataFrame", f"{_PKG}.pandas_materializer:PandasMaterializer"),
    ("pandas.core.series.Series", f"{_PKG}.pandas_materializer:PandasMaterializer"),
    ("pydantic.main.BaseModel", f"{_PKG}.pydantic_materializer:PydanticMaterializer"),
    ("PIL.Image.Image", f"{_PKG}.pillow_materializer:PillowImageMaterializer"),
)
# Built-in classes registered on the first lookup (their modules are cheap to import).
_DEFAULT_CLASSES = (
    f"{_PKG}.built_in:BuiltInMaterializer",
    f"{_PKG}.built_in:BytesMaterializer",
    f"{_PKG}.built_in:BuiltInContainerMaterializer",
    f"{_PKG}.path_materializer:PathMaterializer",
    f"{_PKG}.structured_string_materializer:StructuredStringMaterializer",
)


def normalize_type(annotation: Any) -> type | tuple[type, ...] | None:
    """Reduce an annotation to a class, a tuple of classes (a Union), or None (unknown).

    `Optional[X]` -> X, `List[int]` -> list, `Annotated[X, ...]` -> X, `Any` / missing -> None.
    """
    if annotation is None:
        return _NONE_TYPE
    if annotation is Any or any(annotation is m for m in _MISSING):
        return None
    if isinstance(annotation, (str, typing.ForwardRef)):
        raise MaterializerError(
            f"Cannot pick a materializer for the unresolved annotation {annotation!r}; "
            "resolve forward references (e.g. with typing.get_type_hints) first."
        )
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return normalize_type(args[0])
    if _is_union(annotation):
        members = [a for a in args if a is not _NONE_TYPE]
        if len(members) == 1:
            return normalize_type(members[0])
        flat: list[type] = []
        for member in members or [_NONE_TYPE]:
            resolved = normalize_type(member)
            if resolved is None:
                return None
            flat.extend(resolved if isinstance(resolved, tuple) else (resolved,))
        return tuple(dict.fromkeys(flat))
    if origin is typing.Literal:
        kinds = tuple(dict.fromkeys(type(a) for a in args))
        return kinds[0] if len(kinds) == 1 else kinds
    if origin is not None:
        return normalize_type(origin)
    if isinstance(annotation, typing.TypeVar):
        return normalize_type(annotation.__bound__) if annotation.__bound__ else None
    supertype = getattr(annotation, "__supertype__", None)  # typing.NewType
    if supertype is not None:
        return normalize_type(supertype)
    if isinstance(annotation, type):
        return annotation
    raise MaterializerError(
        f"Cannot pick a materializer for {annotation!r}: it is neither a class nor a "
        "typing annotation."
    )


def _is_union(annotation: Any) -> bool:
    """Whether `annotation` (inside any `Annotated`) is a Union, `Optional` included."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    origin = typing.get_origin(annotation)
    return origin is Union or (hasattr(types, "UnionType") and origin is types.UnionType)


def _is_registrable(candidate: Any) -> bool:
    """Whether a plugin's entry point object is a concrete materializer class."""
    from stepwell.materializers.base_materializer import BaseMaterializer

    return (
        isinstance(candidate, type)
        and issubclass(candidate, BaseMaterializer)
        and bool(candidate.ASSOCIATED_TYPES)
        and not vars(candidate).get("SKIP_REGISTRATION", False)
    )


def _type_name(data_type: Any) -> str:
    if isinstance(data_type, type):
        return f"{data_type.__module__}.{data_type.__qualname__}"
    return repr(data_type)


def _import_dotted(name: str) -> Any:
    """Import `pkg.mod.Class` (or `pkg.mod:Class`) trying the longest importable module."""
    if ":" in name:
        module_name, qualname = name.split(":", 1)
        parts, split_at = (
            [*module_name.split("."), *qualname.split(".")],
            module_name.count(".") + 1,
        )
        candidates = [split_at]
    else:
        parts = name.split(".")
        candidates = list(range(len(parts) - 1, 0, -1))
    last_error: Exception | None = None
    for split in candidates:
        try:
            obj: Any = importlib.import_module(".".join(parts[:split]))
        except ImportError as error:
            last_error = error
            continue
        try:
            for attr in parts[split:]:
                obj = getattr(obj, attr)
        except AttributeError as error:
            last_error = error
            continue
        return obj
    raise ImportError(f"Cannot import '{name}': {last_error}")


class MaterializerRegistry:
    """Maps data types to materializer classes; the most specific class in the MRO wins."""

    def __init__(self, *, load_defaults: bool = True) -> None:
        self._types: dict[type, type[BaseMaterializer]] = {}
        self._lazy: dict[str, list[tuple[str, str]]] = {}
        self._lock = fork_safe_lock(self, "_lock", reentrant=True)
        self._defaults_loaded = not load_defaults
        self._entry_points_loaded = not load_defaults
        if load_defaults:
            for type_name, source in _DEFAULT_LAZY:
                self.register_lazy(type_name, source)

    # -- registration ---------------------------------------------------------------------
    def register(
        self,
        materializer_cls: type[BaseMaterializer],
        types: typing.Iterable[type],
        *,
        override: bool = True,
    ) -> None:
        """Use `materializer_cls` for `types` (and their subclasses).

        With `override=False` an existing registration is kept (used for stepwell's own
        defaults, so that a user's materializer always beats a built-in one).
        """
        with self._lock:
            for data_type in types:
                if not isinstance(data_type, type):
                    raise MaterializerError(
                        f"Cannot register {materializer_cls.__qualname__} for {data_type!r}: "
                        "only classes can be registered."
                    )
                current = self._types.get(data_type)
                if current is not None and current is not materializer_cls:
                    if not override:
                        continue
                    logger.debug(
                        "Materializer %s replaces %s for type %s.",
                        materializer_cls.__qualname__,
                        current.__qualname__,
                        _type_name(data_type),
                    )
                self._types[data_type] = materializer_cls

    def register_lazy(self, type_name: str | tuple[str, str], materializer_source: str) -> None:
        """Register by name, e.g. `("pandas", "DataFrame")` or "pandas.core.frame.DataFrame".

        Nothing is imported now; the name is resolved when a class whose module belongs to
        the same top-level package is looked up.
        """
        dotted = f"{type_name[0]}:{type_name[1]}" if isinstance(type_name, tuple) else type_name
        top = dotted.split(":", 1)[0].split(".", 1)[0]
        with self._lock:
            self._lazy.setdefault(top, []).append((dotted, materializer_source))

    # ZenML-compatible spellings.
    def register_materializer_type(self, key: type, type_: type[BaseMaterializer]) -> None:
        self.register(type_, (key,), override=False)

    def register_and_overwrite_type(self, key: type, type_: type[BaseMaterializer]) -> None:
        self.register(type_, (key,), override=True)

    # -- lookup ---------------------------------------------------------------------------
    def lookup(self, data_type: Any) -> type[BaseMaterializer] | None:
        """The specific materializer for `data_type`, or None when only the fallback fits."""
        self._ensure_defaults()
        target = normalize_type(data_type)
        if target is None:
            return None
        if isinstance(target, tuple):
            found = {self.lookup(member) for member in target}
            return found.pop() if len(found) == 1 else None
        result = self._find_in_mro(target)
        if result is None and not self._entry_points_loaded:
            self._load_entry_points()
            result = self._find_in_mro(target)
        return result

    def get_materializer_for_type(self, data_type: Any) -> type[BaseMaterializer]:
        """The materializer for an annotation or class; cloudpickle (warned) if none fits."""
        found = self.lookup(data_type)
        if found is not None:
            return found
        self.warn_fallback(data_type)
        return self.get_default_materializer()

    def get_materializer_for_value(
        self, value: Any, annotation: Any = None
    ) -> type[BaseMaterializer]:
        """The materializer for a step output, by annotation, or by the value's type when the
        annotation is missing, `Any`, `object`, a Union or matches nothing specific."""
        target = None if annotation is None or _is_union(annotation) else normalize_type(annotation)
        if target is not None and target is not object and not isinstance(target, tuple):
            found = self.lookup(target)
            if found is not None:
                return found
        return self.get_materializer_for_type(type(value))

    def get_default_materializer(self) -> type[BaseMaterializer]:
        """The fallback materializer (cloudpickle)."""
        from stepwell.materializers.cloudpickle_materializer import CloudpickleMaterializer

        return CloudpickleMaterializer

    def is_registered(self, data_type: Any) -> bool:
        """Whether a specific (non-fallback) materializer handles `data_type`."""
        return self.lookup(data_type) is not None

    def registered_types(self) -> dict[type, type[BaseMaterializer]]:
        """A snapshot of the resolved registrations (lazy ones appear once resolved)."""
        self._ensure_defaults()
        with self._lock:
            return dict(self._types)

    get_materializer_types = registered_types

    def __getitem__(self, data_type: Any) -> type[BaseMaterializer]:
        return self.get_materializer_for_type(data_type)

    def __contains__(self, data_type: Any) -> bool:
        return self.is_registered(data_type)

    # -- internals ------------------------------------------------------------------------
    def _find_in_mro(self, cls: type) -> type[BaseMaterializer] | None:
        mro = inspect.getmro(cls)
        if self._lazy:
            self._resolve_lazy(mro)
        with self._lock:
            for klass in mro:
                found = self._types.get(klass)
                if found is not None:
                    return found
        return None

    def _resolve_lazy(self, mro: tuple[type, ...]) -> None:
        """Resolve the by-name registrations of every package that `mro` touches.

        Runs under the lock so that a concurrent lookup never sees a half-resolved package.
        """
        packages = {str(getattr(k, "__module__", "") or "").split(".", 1)[0] for k in mro}
        with self._lock:
            for top in packages & self._lazy.keys():
                for type_name, source in self._lazy.pop(top):
                    try:
                        data_type = _import_dotted(type_name)
                        materializer_cls = _import_dotted(source)
                    except Exception as error:
                        logger.warning(
                            "Could not resolve the materializer %s for %s (%s package seen): %s",
                            source,
                            type_name,
                            top,
                            error,
                        )
                        continue
                    self.register(materializer_cls, (data_type,), override=False)

    def _ensure_defaults(self) -> None:
        if self._defaults_loaded:
            return
        with self._lock:
            if self._defaults_loaded:
                return
            self._defaults_loaded = True
            for source in _DEFAULT_CLASSES:
                materializer_cls = _import_dotted(source)
                self.register(materializer_cls, materializer_cls.ASSOCIATED_TYPES, override=False)

    def _load_entry_points(self) -> None:
        """Import every `stepwell.materializers` entry point; its classes self-register."""
        with self._lock:
            if self._entry_points_loaded:
                return
            self._entry_points_loaded = True
        from importlib.metadata import entry_points

        try:
            found = list(entry_points(group=ENTRY_POINT_GROUP))
        except Exception as error:  # a broken distribution must not break lookups
            logger.warning("Could not read %s entry points: %s", ENTRY_POINT_GROUP, error)
            return
        for entry_point in found:
            try:
                loaded = entry_point.load()
            except Exception as error:
                logger.warning(
                    "Could not load materializer entry point '%s': %s", entry_point.name, error
                )
                continue
            candidates = [loaded] if isinstance(loaded, type) else list(vars(loaded).values())
            for candidate in candidates:
                if _is_registrable(candidate):
                    self.register(candidate, candidate.ASSOCIATED_TYPES, override=False)  # type: ignore[union-attr]

    def warn_fallback(self, data_type: Any) -> None:
        """Log that `data_type` (a type, or a description) falls back to cloudpickle."""
        name = data_type if isinstance(data_type, str) else _type_name(data_type)
        logger.warning(
            "No materializer is registered for type `%s`, so the default "
            "CloudpickleMaterializer will be used. The CloudpickleMaterializer is not "
            "production-ready: its artifacts cannot be loaded with a different Python "
            "version. Consider writing a custom materializer for `%s` (subclass "
            "stepwell.materializers.base_materializer.BaseMaterializer and set "
            "ASSOCIATED_TYPES).",
            name,
            name,
        )


materializer_registry = MaterializerRegistry()
"""The process-wide registry that materializer classes register themselves in."""
