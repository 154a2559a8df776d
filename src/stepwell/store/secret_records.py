"""Secrets as records (layer: store): `SecretResponse`, with ZenML's names.

A secret is a name and a mapping of keys to values. Only `get_secret` fills the values in;
list calls return the keys with `None` as each value (ZenML's "missing values"), so that a
page of secrets never carries a secret. Values are `pydantic.SecretStr`: reprs, `str()`
and logs show `**********`; `secret_values` gives the plain strings to the code that asked.
JSON dumps (`model_dump(mode="json")`) hold the plain values, because that is how they
travel from the server to a `RestStore`; whoever prints a record must mask them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar
from uuid import UUID

from pydantic import PlainSerializer, SecretStr

from stepwell.store.models import _Record

# A secret value: masked in reprs, plain in JSON (the wire between server and client).
PlainSerializedSecretStr = Annotated[
    SecretStr,
    PlainSerializer(lambda value: value.get_secret_value(), return_type=str, when_used="json"),
]


class SecretResponse(_Record):
    """A secret: its name, id, times and `values` (from `get_secret` only; keys otherwise)."""

    display_fields: ClassVar[tuple[str, ...]] = ("name", "id")

    id: UUID
    name: str
    created: datetime
    updated: datetime
    private: bool = False  # ZenML's private secrets; stepwell's are all shared (False)
    values: dict[str, PlainSerializedSecretStr | None] = {}

    def __repr__(self) -> str:  # keys only: values never reach a repr, str() or log
        return f"<SecretResponse {self.name} keys={sorted(self.values)} id={self.id}>"

    @property
    def keys(self) -> list[str]:
        """The secret's keys, sorted."""
        return sorted(self.values)

    @property
    def secret_values(self) -> dict[str, str]:
        """The values as plain strings (only those present: a listed secret has none)."""
        return {
            key: value.get_secret_value() for key, value in self.values.items() if value is not None
        }

    @property
    def has_missing_values(self) -> bool:
        """Whether some keys come without their value (as in the results of a list call)."""
        return any(value is None for value in self.values.values())


def secret_response(
    *,
    id: UUID,
    name: str,
    created: datetime,
    updated: datetime,
    values: dict[str, str] | None = None,
    keys: list[str] | None = None,
) -> SecretResponse:
    """A record with `values` (as SecretStr), or with `keys` only (each value None)."""
    shown: dict[str, SecretStr | None] = (
        {key: SecretStr(value) for key, value in values.items()}
        if values is not None
        else dict.fromkeys(keys or [])
    )
    return SecretResponse.model_construct(
        id=id, name=name, created=created, updated=updated, private=False, values=shown
    )
