"""The Client's secrets (read layer): ZenML's calls, names and lookups over the store.

`create_secret(name, values)`, `get_secret(name_id_or_prefix)` (with the values),
`list_secrets(...)` (names and keys, never values: `secret.values` maps each key to None),
`update_secret(name_id_or_prefix, new_name=..., add_or_update_values=...,
remove_values=...)` and `delete_secret`. The store encrypts the values at rest, with the
server's key when a server is configured and the home folder's otherwise.

stepwell has no private secrets: `private=True` is refused with a clear error, and every
secret is visible to everyone who can use the store (on a server, reading values needs the
`member` role).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from stepwell.client.base import ClientBase
from stepwell.exceptions import EntityNotFoundError, IllegalOperationError, StoreError
from stepwell.store.page import Page
from stepwell.store.secret_records import SecretResponse


def _no_private(private: bool | None) -> None:
    if private:
        raise IllegalOperationError(
            "stepwell has no private secrets: every secret is shared by the users of its "
            "store (on a server, reading values needs the member role). Leave private unset."
        )


class SecretsMixin(ClientBase):
    """Secrets: named sets of values kept encrypted in the store."""

    def create_secret(
        self, name: str, values: Mapping[str, Any], private: bool = False
    ) -> SecretResponse:
        """A new secret named `name` with `values` (key -> string); EntityExistsError if
        the name is taken."""
        _no_private(private)
        plain = {
            key: getattr(value, "get_secret_value", lambda v=value: v)()
            for key, value in dict(values).items()
        }
        return self.store.create_secret(name=name, values=plain)

    def get_secret(
        self,
        name_id_or_prefix: str | UUID,
        private: bool | None = None,
        allow_partial_name_match: bool = True,
        allow_partial_id_match: bool = True,
        hydrate: bool = True,
    ) -> SecretResponse:
        """A secret with its values, by name, id or id prefix; else by the one name that
        contains the text (as ZenML does; `allow_partial_name_match=False` turns that off).
        KeyError (EntityNotFoundError) if none matches. `hydrate=False`: the secret found by
        exact name or full id without its values (nothing is decrypted: this works even
        where the store's key cannot read them)."""
        _no_private(private)
        if not hydrate:
            listed = self._listed_secret(name_id_or_prefix)
            if listed is not None:
                return listed
        try:
            return self.store.get_secret(name_id_or_prefix)
        except EntityNotFoundError:
            if not allow_partial_name_match or isinstance(name_id_or_prefix, UUID):
                raise
        found = self.store.list_secrets(name=f"contains:{name_id_or_prefix}", size=11)
        if len(found.items) == 1:
            return self.store.get_secret(found.items[0].id)
        if found.items:
            names = ", ".join(secret.name for secret in found.items[:10])
            raise StoreError(
                f"{found.total} secrets have a name containing '{name_id_or_prefix}' "
                f"({names}); give the full name or the id."
            )
        raise EntityNotFoundError(f"No secret with name, id or prefix '{name_id_or_prefix}'.")

    def get_secret_by_name_and_private_status(
        self, name: str, private: bool | None = None, hydrate: bool = True
    ) -> SecretResponse:
        """The secret named exactly `name`, with its values."""
        return self.get_secret(name, private=private, allow_partial_name_match=False)

    def list_secrets(
        self,
        sort_by: str = "created",
        page: int = 1,
        size: int = 50,
        logical_operator: str = "and",
        id: Any = None,
        created: Any = None,
        updated: Any = None,
        name: Any = None,
        private: bool | None = None,
        user: Any = None,
        hydrate: bool = False,
    ) -> Page[SecretResponse]:
        """A page of secrets without their values (each key maps to None); filter by
        `name`, `id`, `created`, `updated` with ZenML's operators (`contains:`, ...)."""
        if private:
            return Page.of([], total=0, index=page, max_size=size)  # there are none
        filters = {
            key: value
            for key, value in {
                "id": id,
                "created": created,
                "updated": updated,
                "name": name,
            }.items()
            if value is not None
        }
        return self.store.list_secrets(
            sort_by=sort_by, page=page, size=size, logical_operator=logical_operator, **filters
        )

    def update_secret(
        self,
        name_id_or_prefix: str | UUID,
        private: bool | None = None,
        new_name: str | None = None,
        update_private: bool | None = None,
        add_or_update_values: Mapping[str, Any] | None = None,
        remove_values: list[str] | None = None,
    ) -> SecretResponse:
        """Rename a secret, add or change values, remove keys (KeyError if a key to remove
        is missing, ValueError if a key is both added and removed)."""
        _no_private(private or update_private)
        secret = self.get_secret(name_id_or_prefix, allow_partial_name_match=False)
        added = None
        if add_or_update_values is not None:
            added = {
                key: getattr(value, "get_secret_value", lambda v=value: v)()
                for key, value in dict(add_or_update_values).items()
            }
        return self.store.update_secret(
            secret.id,
            name=new_name,
            add_or_update_values=added,
            remove_values=list(remove_values) if remove_values else None,
        )

    def delete_secret(self, name_id_or_prefix: str | UUID, private: bool | None = None) -> None:
        """Delete a secret by name, id or id prefix (its values are not read)."""
        _no_private(private)
        secret = self.get_secret(name_id_or_prefix, allow_partial_name_match=False, hydrate=False)
        self.store.delete_secret(secret.id)

    def _listed_secret(self, name_or_id: str | UUID) -> SecretResponse | None:
        """The secret of exactly this name or full id, as a list shows it, or None."""
        text = str(name_or_id).strip()
        try:
            by_id = {"id": str(UUID(text))}
        except ValueError:
            by_id = None
        for filters in ({"name": f"equals:{text}"}, by_id):
            if filters is not None:
                found = self.store.list_secrets(size=1, **filters).items
                if found:
                    return found[0]
        return None
