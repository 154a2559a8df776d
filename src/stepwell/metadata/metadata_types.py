"""The types a metadata value can have, and how each is stored and read back with its type.

Metadata is logged on runs, step runs and artifact versions (`log_metadata`, a materializer's
`extract_metadata`, `StepContext.add_output_metadata`) and stored one row per value with the
name of its type, so that `Uri`, `Path`, `DType`, `StorageSize`, tuples and sets come back as
what was logged (ZenML returns them as plain strings, ints and lists). Plain JSON values are
stored as they are; anything else is refused with an error naming the key. Pure: used by the
define layer (to check values where the user logs them) and by the store.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Union

from stepwell.exceptions import MetadataTypeError

MAX_KEY_LENGTH = 255


class _TypedStr(str):
    """A string that says what it holds; pydantic validates it as a string."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source_type: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_after_validator_function(cls, handler(str))


class Uri(_TypedStr):
    """A string that is a URI."""


class Path(_TypedStr):
    """A string that is a file system path."""


class DType(_TypedStr):
    """A string that names a data type."""


class StorageSize(int):
    """A number of bytes."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source_type: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_after_validator_function(cls, handler(int))


MetadataType = Union[
    str,
    int,
    float,
    bool,
    dict[Any, Any],
    list[Any],
    set[Any],
    tuple[Any, ...],
    Uri,
    Path,
    DType,
    StorageSize,
    None,
]

# Type name (as stored) -> how a stored value becomes the logged type again.
_READERS: dict[str, Any] = {
    "str": str,
    "int": int,
    "float": float,
    "bool": bool,
    "dict": dict,
    "list": list,
    "tuple": tuple,
    "set": set,
    "Uri": Uri,
    "Path": Path,
    "DType": DType,
    "StorageSize": StorageSize,
    "None": lambda value: None,
}
# Checked in order: subclasses before the builtins they extend (bool is an int).
_KINDS: tuple[tuple[type, str], ...] = (
    (Uri, "Uri"),
    (Path, "Path"),
    (DType, "DType"),
    (StorageSize, "StorageSize"),
    (bool, "bool"),
    (str, "str"),
    (int, "int"),
    (float, "float"),
    (dict, "dict"),
    (list, "list"),
    (tuple, "tuple"),
    (set, "set"),
    (frozenset, "set"),
)
_NON_FINITE = {"nan", "inf", "-inf"}


@dataclass(frozen=True)
class EncodedValue:
    """One metadata value as stored: JSON data plus the name of the type it was logged as."""

    key: str
    value: Any
    type: str


def type_name(key: str, value: Any) -> str:
    """The stored type name of `value`; other types raise MetadataTypeError naming `key`."""
    if value is None:
        return "None"
    for kind, name in _KINDS:
        if isinstance(value, kind):
            return name
    raise MetadataTypeError(
        f"Metadata value for key '{key}' is a {type(value).__name__}, which cannot be stored. "
        "Use a str, int, float, bool, list, tuple, set or dict of JSON values, or one of "
        "Uri, Path, DType, StorageSize (stepwell.metadata.metadata_types).",
        key=key,
    )


def encode_value(key: Any, value: Any) -> EncodedValue:
    """`value` as stored, checked: a string key, JSON-able contents, a known type."""
    if not isinstance(key, str) or not key:
        raise MetadataTypeError(f"Metadata keys must be non-empty strings, not {key!r}.", key=key)
    if len(key) > MAX_KEY_LENGTH:
        raise MetadataTypeError(
            f"Metadata key '{key[:40]}...' is {len(key)} characters long; the limit is "
            f"{MAX_KEY_LENGTH}.",
            key=key,
        )
    name = type_name(key, value)
    if name == "float" and not math.isfinite(value):
        return EncodedValue(key, str(value), name)  # JSON has no NaN or infinity
    stored: Any = value
    if name == "set":
        stored = sorted(value, key=repr)
    elif name in ("tuple", "list", "dict"):
        stored = list(value) if name == "tuple" else value
    elif name in ("Uri", "Path", "DType"):
        stored = str(value)
    elif name == "StorageSize":
        stored = int(value)
    elif name in ("str", "int", "float"):
        stored = _plain(name, value)
    if name in ("set", "tuple", "list", "dict"):
        try:
            stored = json.loads(json.dumps(stored, allow_nan=False))
        except (TypeError, ValueError) as error:
            raise MetadataTypeError(
                f"Metadata value for key '{key}' holds something that is not JSON ({error}); "
                "store only strings, numbers, booleans, None, lists and dicts inside it.",
                key=key,
            ) from None
    return EncodedValue(key, stored, name)


def _plain(name: str, value: Any) -> Any:
    """A subclass of str, int or float (an enum, numpy.float64) as the plain builtin."""
    if name == "str":
        return str.__str__(value)  # str() of a str enum member would give its qualified name
    return int(value) if name == "int" else float(value)


def encode_metadata(metadata: Mapping[str, Any]) -> list[EncodedValue]:
    """Every value of `metadata` as stored; the first bad one raises, naming its key."""
    if not isinstance(metadata, Mapping):
        raise MetadataTypeError(
            f"Metadata must be a dict of key -> value, not a {type(metadata).__name__}."
        )
    return [encode_value(key, value) for key, value in metadata.items()]


def checked_metadata(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `metadata` after checking that every value can be stored (types kept)."""
    encode_metadata(metadata)
    return dict(metadata)


def coerced_metadata(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """`metadata` with values that cannot be stored made into JSON (a string at worst).

    For what materializers extract, where an odd value should not fail a step."""
    result: dict[str, Any] = {}
    for key, value in metadata.items():
        try:
            encode_value(str(key), value)
            result[str(key)] = value
        except MetadataTypeError:
            from pydantic_core import to_jsonable_python

            result[str(key)] = to_jsonable_python(value, fallback=str)
    return result


def decode_value(value: Any, type_: str) -> Any:
    """A stored value as the type it was logged as (unknown type names give the JSON value)."""
    reader = _READERS.get(type_)
    if reader is None:
        return value
    if type_ == "float" and isinstance(value, str) and value in _NON_FINITE:
        return float(value)
    if type_ == "set":
        try:
            return set(value)
        except TypeError:  # unhashable members (lists): keep the list
            return value
    return reader(value)


def resolve_metadata(entries: Iterable[tuple[str, Any, datetime]]) -> dict[str, Any]:
    """Key -> value of decoded `(key, value, created)` entries: the newest value of a key
    wins, except that dict values of one key merge (newer keys on top), as in ZenML."""
    by_key: dict[str, list[tuple[datetime, int, Any]]] = {}
    for position, (key, value, created) in enumerate(entries):
        by_key.setdefault(key, []).append((created, position, value))
    resolved: dict[str, Any] = {}
    for key, values in by_key.items():
        values.sort(key=lambda item: (item[0], item[1]))
        if len(values) > 1 and all(isinstance(item[2], dict) for item in values):
            merged: dict[Any, Any] = {}
            for item in values:
                merged.update(item[2])
            resolved[key] = merged
        else:
            resolved[key] = values[-1][2]
    return resolved


__all__ = [
    "DType",
    "EncodedValue",
    "MetadataType",
    "Path",
    "StorageSize",
    "Uri",
    "checked_metadata",
    "coerced_metadata",
    "decode_value",
    "encode_metadata",
    "encode_value",
    "resolve_metadata",
]
