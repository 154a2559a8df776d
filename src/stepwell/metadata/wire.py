"""Metadata values keep their types across JSON: the stepwell server's REST API.

A metadata value logged as `Uri`, `Path`, `DType`, `StorageSize`, a tuple, a set or a
non-finite float comes back as what was logged (see `metadata_types`). Plain JSON cannot say
so, so on the wire such a value travels as `{"$stepwell_type": <type name>, "value": <stored
value>}`; plain JSON values (strings, numbers, booleans, lists, dicts, null) travel as they
are, so a script posting ordinary JSON needs to know nothing of this.

`KEEP_TYPES` (and `KeepTypes(under=key)` for a dict that holds metadata under one key) is
`Annotated` metadata: the `Store` protocol marks its metadata parameters and results with it,
and pydantic, which the wire uses to serialise and validate every call, applies the encoding
(JSON mode only) and the decoding. Importing this module imports no pydantic.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from stepwell.exceptions import MetadataTypeError
from stepwell.metadata.metadata_types import decode_value, encode_metadata

TYPE_KEY = "$stepwell_type"
# Stored types that plain JSON gives back unchanged.
_PLAIN = frozenset({"str", "int", "bool", "dict", "list", "None"})


def to_wire(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """`metadata` as JSON data, the values JSON cannot type wrapped with their type name."""
    wired: dict[str, Any] = {}
    for item in encode_metadata(metadata):
        plain = item.type in _PLAIN or (item.type == "float" and not isinstance(item.value, str))
        wired[item.key] = item.value if plain else {TYPE_KEY: item.type, "value": item.value}
    return wired


def from_wire(data: Any) -> Any:
    """Metadata read from JSON: wrapped values as their logged types, the rest as is."""
    if not isinstance(data, Mapping):
        return data  # left to the declared type's validation to refuse
    return {key: _read(value) for key, value in data.items()}


def _read(value: Any) -> Any:
    if isinstance(value, Mapping) and set(value) == {TYPE_KEY, "value"}:
        return decode_value(value["value"], str(value[TYPE_KEY]))
    return value


class KeepTypes:
    """`Annotated` marker: the annotated dict is metadata (or, with `under`, holds metadata
    under that key), sent and read with `to_wire` and `from_wire`."""

    def __init__(self, under: str | None = None) -> None:
        self.under = under

    def __repr__(self) -> str:
        return f"KeepTypes(under={self.under!r})"

    def _read(self, data: Any) -> Any:
        if self.under is None:
            return from_wire(data)
        if isinstance(data, Mapping) and isinstance(data.get(self.under), Mapping):
            return {**data, self.under: from_wire(data[self.under])}
        return data

    def _write(self, data: Any) -> Any:
        try:
            if self.under is None:
                return to_wire(data)
            if isinstance(data, Mapping) and isinstance(data.get(self.under), Mapping):
                return {**data, self.under: to_wire(data[self.under])}
        except MetadataTypeError:
            pass  # sent as plain JSON: the store refuses it with its own message
        return data

    def __get_pydantic_core_schema__(self, source_type: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_before_validator_function(
            self._read,
            handler(source_type),
            serialization=core_schema.plain_serializer_function_ser_schema(
                self._write, when_used="json"
            ),
        )


KEEP_TYPES = KeepTypes()
# A metadata argument (`Store.create_run_metadata(metadata=...)`) and a metadata result.
TypedMetadata = Annotated[Mapping[str, Any], KEEP_TYPES]
TypedMetadataDict = Annotated[dict[str, Any], KEEP_TYPES]
