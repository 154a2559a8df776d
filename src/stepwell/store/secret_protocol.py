"""The secrets part of the `Store` interface (layer: store).

Secret values go in and come out in the clear; the store encrypts them before they reach
the database and decrypts them after (see `store.sql.secrets` and `store.secret_cipher`),
so encryption happens in one place: where the key is. On the server that is the server's
store, whose key comes from the server's configuration; a `RestStore` never holds a key.

Lists return names and keys only; `get_secret` returns the values too (on the server it
needs the `member` role, listing needs `viewer`).
"""

from __future__ import annotations

from typing import Any, Protocol
from uuid import UUID

from stepwell.store.page import Page
from stepwell.store.secret_records import SecretResponse


class SecretStore(Protocol):
    """Secret operations."""

    def create_secret(self, *, name: str, values: dict[str, str]) -> SecretResponse: ...
    def get_secret(self, name_or_id: str | UUID) -> SecretResponse: ...
    def list_secrets(self, **query: Any) -> Page[SecretResponse]: ...
    def update_secret(
        self,
        secret_id: UUID,
        *,
        name: str | None = None,
        add_or_update_values: dict[str, str] | None = None,
        remove_values: list[str] | None = None,
    ) -> SecretResponse: ...
    def delete_secret(self, secret_id: UUID) -> None: ...
