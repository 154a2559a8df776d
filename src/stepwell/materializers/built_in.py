"""Materializers for Python's built-in types: scalars, containers and bytes.

Role in the flow (launch -> materializer -> artifact store): these are the default choice for
step outputs of plain Python types. Scalars and JSON-faithful containers become a readable
`data.json`; containers holding anything else (arrays, data frames, custom objects) store each
element with its own materializer in a sub-folder, listed in a `metadata.json` manifest.
The manifest says which element is where, but not what may read it: the version's record
lists the element materializers (`{"materializers": [...]}` in its load options) and whether
anything was pickled, and a manifest naming anything else is refused. Versions recorded
before load options existed are read by their manifest alone, as they always were.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from stepwell.enums import ArtifactType
from stepwell.exceptions import MaterializerError
from stepwell.materializers.base_materializer import BaseMaterializer
from stepwell.materializers.load_policy import (
    ALLOW_PICKLE,
    LoadRecord,
    artifact_label,
    delegate,
    pickled_options,
)
from stepwell.materializers.loading import data_type_source, load_artifact
from stepwell.materializers.registry import materializer_registry
from stepwell.utils.durable_sources import durable_source

logger = logging.getLogger(__name__)

DATA_JSON = "data.json"
DATA_BIN = "data.bin"
MANIFEST = "metadata.json"
MATERIALIZERS = "materializers"  # load option: the element materializers the record allows
CONTAINER_FORMAT = "stepwell.container/1"
_NONE_TYPE = type(None)
_JSON_SCALARS = (str, int, float, bool, _NONE_TYPE)


def _is_plain_json(value: Any) -> bool:
    """Whether `json` round-trips `value` exactly (same types all the way down)."""
    kind = type(value)
    if kind in _JSON_SCALARS:
        return True
    if kind is list:
        return all(_is_plain_json(item) for item in value)
    if kind is dict:
        return all(type(k) is str and _is_plain_json(v) for k, v in value.items())
    return False


def _stable_order(items: Any) -> list[Any]:
    """Set members in an order that is the same in every process (for stable hashes)."""
    try:
        return sorted(items, key=lambda item: (type(item).__name__, repr(item)))
    except Exception:
        return list(items)


def _restore(value: Any, data_type: Any) -> Any:
    """Convert a loaded plain value to the saved type (tuple, set, subclasses)."""
    if not isinstance(data_type, type) or type(value) is data_type or data_type is object:
        return value
    try:
        if issubclass(data_type, tuple) and hasattr(data_type, "_fields"):
            return data_type(*value)  # a namedtuple
        if issubclass(data_type, (list, tuple, set, frozenset, dict, *_JSON_SCALARS[:4])):
            return data_type(value)
    except (TypeError, ValueError) as error:
        logger.debug("Could not restore %r as %s: %s", value, data_type, error)
    return value


def _write_json(materializer: BaseMaterializer, name: str, value: Any) -> None:
    with materializer.artifact_store.open(materializer._path(name), "w", encoding="utf-8") as f:
        json.dump(value, f)


def _read_json(materializer: BaseMaterializer, name: str) -> Any:
    with materializer.artifact_store.open(materializer._path(name), "r", encoding="utf-8") as f:
        return json.load(f)


class BuiltInMaterializer(BaseMaterializer):
    """`bool`, `int`, `float`, `str` and `None` as `data.json`."""

    ASSOCIATED_TYPES = (bool, int, float, str, _NONE_TYPE)
    ASSOCIATED_ARTIFACT_TYPE = ArtifactType.DATA

    def save(self, data: Any) -> None:
        _write_json(self, DATA_JSON, data)

    def load(self, data_type: type[Any]) -> Any:
        value = _read_json(self, DATA_JSON)
        if data_type is _NONE_TYPE:
            return None
        return _restore(value, data_type)

    def extract_metadata(self, data: Any) -> dict[str, Any]:
        if isinstance(data, str):
            return {"length": len(data)}
        if isinstance(data, (bool, int, float)):
            return {"value": data}
        return {}


class BytesMaterializer(BaseMaterializer):
    """`bytes` and `bytearray` as raw `data.bin`."""

    ASSOCIATED_TYPES = (bytes, bytearray)
    ASSOCIATED_ARTIFACT_TYPE = ArtifactType.DATA

    def save(self, data: Any) -> None:
        with self.artifact_store.open(self._path(DATA_BIN), "wb") as f:
            f.write(data)

    def load(self, data_type: type[Any]) -> Any:
        with self.artifact_store.open(self._path(DATA_BIN), "rb") as f:
            raw = f.read()
        if isinstance(data_type, type) and issubclass(data_type, (bytes, bytearray)):
            return raw if data_type is bytes else data_type(raw)
        return raw

    def extract_metadata(self, data: Any) -> dict[str, Any]:
        return {"length": len(data)}


class BuiltInContainerMaterializer(BaseMaterializer):
    """`dict`, `list`, `tuple`, `set` and `frozenset`, as JSON or element by element."""

    ASSOCIATED_TYPES = (dict, list, tuple, set, frozenset)
    ASSOCIATED_ARTIFACT_TYPE = ArtifactType.DATA

    def save(self, data: Any) -> None:
        plain = self._as_plain_json(data)
        if plain is not None:
            _write_json(self, DATA_JSON, plain[0])
            return
        kind = self._kind(data)
        flat = [v for pair in data.items() for v in pair] if kind == "dict" else list(data)
        if kind in ("set", "frozenset"):
            flat = _stable_order(flat)
        # Per element: None when inlined as JSON, else its materializer (None -> fallback).
        inline = [_is_plain_json(v) for v in flat]
        chosen = [
            None if is_inline else materializer_registry.lookup(type(v))
            for v, is_inline in zip(flat, inline, strict=True)
        ]
        unknown = [
            v
            for v, m, is_inline in zip(flat, chosen, inline, strict=True)
            if not is_inline and m is None
        ]
        fallback = sorted({f"{type(v).__module__}.{type(v).__qualname__}" for v in unknown})
        if unknown and len(unknown) == inline.count(False):
            self._save_pickled(data, fallback)
            return
        if unknown:
            materializer_registry.warn_fallback(", ".join(fallback))
        options: dict[str, Any] = {MATERIALIZERS: []}
        records = [
            self._save_element(i, v, m, options)
            for i, (v, m) in enumerate(zip(flat, chosen, strict=True))
        ]
        options[MATERIALIZERS] = sorted(set(options[MATERIALIZERS]))
        self.load_options = options
        manifest: dict[str, Any] = {"format": CONTAINER_FORMAT, "kind": kind}
        if kind == "dict":
            manifest["pairs"] = [records[i : i + 2] for i in range(0, len(records), 2)]
        else:
            manifest["items"] = records
        _write_json(self, MANIFEST, manifest)

    def load(self, data_type: type[Any]) -> Any:
        store = self.artifact_store
        if store.exists(self._path(DATA_JSON)):
            return _restore(_read_json(self, DATA_JSON), data_type)
        manifest = _read_json(self, MANIFEST)
        if manifest.get("format") != CONTAINER_FORMAT:
            raise MaterializerError(f"Unknown container format at '{self.uri}': {manifest!r}")
        kind = manifest["kind"]
        if manifest.get("pickled"):
            from stepwell.materializers.cloudpickle_materializer import CloudpickleMaterializer

            return delegate(self, CloudpickleMaterializer).load(data_type)
        if kind == "dict":
            value: Any = {
                self._load_element(key): self._load_element(val) for key, val in manifest["pairs"]
            }
        else:
            items = [self._load_element(record) for record in manifest["items"]]
            builder = {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}[kind]
            value = builder(items)
        return _restore(value, data_type)

    def extract_metadata(self, data: Any) -> dict[str, Any]:
        return {"length": len(data)}

    # -- helpers --------------------------------------------------------------------------
    @staticmethod
    def _kind(data: Any) -> str:
        for kind in (dict, tuple, frozenset, set, list):
            if isinstance(data, kind):
                return kind.__name__
        raise MaterializerError(f"BuiltInContainerMaterializer cannot save {type(data)!r}.")

    @staticmethod
    def _as_plain_json(data: Any) -> tuple[Any] | None:
        """`(json_value,)` when the whole container round-trips through JSON, else None."""
        try:
            if isinstance(data, dict):
                if all(type(k) is str and _is_plain_json(v) for k, v in data.items()):
                    return (dict(data),)
            elif isinstance(data, (set, frozenset)):
                if all(type(v) in _JSON_SCALARS for v in data):
                    return (_stable_order(data),)
            elif all(_is_plain_json(v) for v in data):
                return (list(data),)
        except RecursionError:
            pass
        return None

    def _save_element(
        self,
        index: int,
        value: Any,
        materializer_cls: type[BaseMaterializer] | None,
        options: dict[str, Any],
    ) -> dict[str, Any]:
        """Inline a JSON-faithful element; store anything else in its own sub-folder, and
        add what reading it needs to the container's load `options`."""
        if _is_plain_json(value):
            return {"json": value}
        if materializer_cls is None:
            materializer_cls = materializer_registry.get_default_materializer()
        relative = f"items/{index}"
        element = materializer_cls(self._path("items", str(index)), self.artifact_store)
        element.save(value)
        options[MATERIALIZERS].append(durable_source(materializer_cls))
        for source in (element.load_options or {}).get(MATERIALIZERS, ()):
            options[MATERIALIZERS].append(source)
        if (element.load_options or {}).get(ALLOW_PICKLE):
            options[ALLOW_PICKLE] = True
        return {
            "path": relative,
            "materializer": durable_source(materializer_cls),
            "data_type": data_type_source(type(value)),
        }

    def _load_element(self, record: dict[str, Any]) -> Any:
        if "json" in record:
            return record["json"]
        uri = self._path(*record["path"].split("/"))
        if self.load_options is None:  # recorded before load options: as it always was
            return load_artifact(
                uri, record["materializer"], record["data_type"], self.artifact_store
            )
        if record["materializer"] not in self.load_options.get(MATERIALIZERS, ()):
            raise MaterializerError(
                f"Refusing to load {artifact_label(self)}: its manifest names materializer "
                f"'{record['materializer']}' for element '{record['path']}', which its record "
                "does not list. The artifact's files were changed after saving."
            )
        # Elements sit inside this artifact's folder: the container's digest covered them.
        inner = LoadRecord(label=artifact_label(self), load_options=self.load_options)
        return load_artifact(
            uri, record["materializer"], record["data_type"], self.artifact_store, record=inner
        )

    def _save_pickled(self, data: Any, type_names: list[str]) -> None:
        """No element needs a specific materializer: pickle the container as a whole."""
        from stepwell.materializers.cloudpickle_materializer import CloudpickleMaterializer

        materializer_registry.warn_fallback(", ".join(type_names))
        CloudpickleMaterializer(self.uri, self.artifact_store).save(data)
        self.load_options = pickled_options()
        manifest = {"format": CONTAINER_FORMAT, "kind": self._kind(data), "pickled": True}
        _write_json(self, MANIFEST, manifest)
