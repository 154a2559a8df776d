"""Secrets in the SQL metadata store (layer: store): names in the clear, values encrypted.

The values of a secret are encrypted here, just before they are written, and decrypted just
after they are read, with the store's `SecretCipher` (see `store.secret_cipher`): the home
folder's key for a local store, the server's key on a server (`use_secret_cipher`). No
other code encrypts or decrypts, so no value reaches the database, and none is logged or
put in an error message here (messages name secrets and keys, never values).

An update reads, changes and rewrites a secret in one transaction, so two updates of
different keys at once both land.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Connection, delete, select, update

from stepwell.exceptions import EntityExistsError, EntityNotFoundError, QueryError, StoreError
from stepwell.store.page import Page
from stepwell.store.row_conversions import Row
from stepwell.store.secret_cipher import SecretCipher, local_cipher
from stepwell.store.secret_records import SecretResponse, secret_response
from stepwell.store.sql.common import SqlStoreBase
from stepwell.store.sql.listing import Listing, each, read_page
from stepwell.store.sql.platform_tables import SECRETS
from stepwell.store.sql.queries import id_prefix, parse_uuid
from stepwell.store.sql.tables import utc_now

# Names are used in `{{name.key}}` references and in URL paths: no dots, slashes or spaces.
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,254}")
KEY_PATTERN = re.compile(r"[^\s{}]{1,255}")
MAX_VALUES_BYTES = 64 * 1024

SECRET_LISTING = Listing(
    source=SECRETS,
    selected=[SECRETS],
    columns={name: SECRETS.c[name] for name in ("id", "name", "created", "updated")},
    id_column=SECRETS.c.id,
    tiebreak=[SECRETS.c.created, SECRETS.c.name],
)


def check_name(name: str) -> str:
    """A valid secret name (as given, without surrounding spaces), or StoreError."""
    cleaned = str(name).strip()
    if not NAME_PATTERN.fullmatch(cleaned):
        raise StoreError(
            f"'{cleaned[:60]}' is not a valid secret name: use letters, digits, '_' and '-' "
            "(starting with a letter or digit, at most 255 characters)."
        )
    return cleaned


def check_values(values: Mapping[str, Any], what: str) -> dict[str, str]:
    """The values as plain strings, each key checked; errors name keys, never values."""
    if not isinstance(values, Mapping):
        raise StoreError(f"The values of {what} must be a mapping of keys to strings.")
    checked: dict[str, str] = {}
    for key, value in values.items():
        if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
            raise StoreError(
                f"'{str(key)[:60]}' is not a valid key of {what}: keys are 1-255 characters "
                "without spaces or braces."
            )
        plain = getattr(value, "get_secret_value", lambda v=value: v)()
        if not isinstance(plain, str):
            raise StoreError(
                f"The value of key '{key}' of {what} must be a string, not {type(plain).__name__}."
            )
        checked[key] = plain
    if len(json.dumps(checked).encode("utf-8")) > MAX_VALUES_BYTES:
        raise StoreError(f"The values of {what} are larger than {MAX_VALUES_BYTES} bytes.")
    return checked


def _find(connection: Connection, name_or_id: str | UUID, lock: bool = False) -> Row:
    """The row of a secret by name, id or unique id prefix."""
    value = str(name_or_id).strip()
    full = name_or_id if isinstance(name_or_id, UUID) else parse_uuid(value)
    statement = select(SECRETS).where(SECRETS.c.id == full if full else SECRETS.c.name == value)
    row = connection.execute(statement.with_for_update() if lock else statement).first()
    if row is None and full is None and id_prefix(value):
        prefix = value.replace("-", "").lower()
        rows = connection.execute(select(SECRETS.c.id, SECRETS.c.name)).all()
        matches = [r for r in rows if r.id.hex.startswith(prefix)]
        if len(matches) > 1:
            raise StoreError(f"The id prefix '{value}' matches several secrets; give more.")
        if matches:
            row = connection.execute(select(SECRETS).where(SECRETS.c.id == matches[0].id)).first()
    if row is None:
        raise EntityNotFoundError(
            f"No secret with name or id '{value[:100]}' exists; `stepwell secret list` shows "
            "the secrets."
        )
    return row._mapping


class SecretMethods(SqlStoreBase):
    """The secrets part of `SqlStore`."""

    _secret_cipher: SecretCipher | None = None

    def use_secret_cipher(self, cipher: SecretCipher) -> None:
        """Encrypt and decrypt secrets with `cipher` (the server's key) from now on, instead
        of the home folder's key."""
        self._secret_cipher = cipher

    def _cipher(self) -> SecretCipher:
        return self._secret_cipher or local_cipher()

    def _response(self, row: Row, with_values: bool) -> SecretResponse:
        fields = {k: row[k] for k in ("id", "name", "created", "updated")}
        try:
            values = self._cipher().decrypt(row["id"], row["name"], row["encrypted_values"])
        except StoreError:
            if with_values:
                raise
            # Listed without its keys (they are inside the token): a list, and a delete
            # found through one, must still work when the key cannot read the values.
            values = {}
        response = (
            secret_response(**fields, values=values)
            if with_values
            else secret_response(**fields, keys=sorted(values))
        )
        response.bind(self._store())
        return response

    def create_secret(self, *, name: str, values: dict[str, str]) -> SecretResponse:
        """A new secret; its values are stored encrypted (EntityExistsError if the name is
        taken)."""
        name = check_name(name)
        plain = check_values(values, f"secret '{name}'")
        now, secret_id = utc_now(), uuid4()
        row = {"id": secret_id, "name": name, "created": now, "updated": now}
        row["encrypted_values"] = self._cipher().encrypt(secret_id, plain)

        def work(connection: Connection) -> None:
            if connection.scalar(select(SECRETS.c.id).where(SECRETS.c.name == name)):
                raise EntityExistsError(
                    f"A secret named '{name}' already exists; change it with "
                    f"`stepwell secret update {name}` or pick another name."
                )
            connection.execute(SECRETS.insert(), row)

        self._db.write(work)
        return self._response(row, with_values=True)

    def get_secret(self, name_or_id: str | UUID) -> SecretResponse:
        """A secret with its values, by name, id or unique id prefix."""
        with self._db.read() as connection:
            row = _find(connection, name_or_id)
        return self._response(row, with_values=True)

    def list_secrets(
        self,
        *,
        sort_by: str = "created",
        page: int = 1,
        size: int = 50,
        logical_operator: Any = "and",
        **filters: Any,
    ) -> Page[SecretResponse]:
        """One page of secrets with their keys but without values; filter by `name`, `id`,
        `created`, `updated`."""
        return read_page(
            self._db, SECRET_LISTING, filters, sort_by, page, size, logical_operator,
            each(lambda row: self._response(row, with_values=False)),
        )  # fmt: skip

    def update_secret(
        self,
        secret_id: UUID,
        *,
        name: str | None = None,
        add_or_update_values: dict[str, str] | None = None,
        remove_values: list[str] | None = None,
    ) -> SecretResponse:
        """Rename a secret, add or change values and remove keys, in one transaction
        (EntityNotFoundError if a key to remove is not there)."""
        new_name = check_name(name) if name is not None else None
        added = check_values(add_or_update_values or {}, "the update")
        removed = list(remove_values or [])
        both = sorted(set(added) & set(removed))
        if both:
            raise QueryError(f"Key(s) {', '.join(both)} are both to update and to remove.")
        cipher = self._cipher()

        def work(connection: Connection) -> Row:
            row = _find(connection, secret_id, lock=True)
            values = cipher.decrypt(row["id"], row["name"], row["encrypted_values"])
            missing = [key for key in removed if key not in values]
            if missing:
                raise EntityNotFoundError(
                    f"Cannot remove key(s) {', '.join(missing)} from secret '{row['name']}': "
                    f"it has only {', '.join(sorted(values)) or 'no keys'}."
                )
            if new_name is not None and new_name != row["name"]:
                taken = select(SECRETS.c.id).where(SECRETS.c.name == new_name)
                if connection.scalar(taken) is not None:
                    raise EntityExistsError(f"A secret named '{new_name}' already exists.")
            values.update(added)
            for key in removed:
                values.pop(key)
            check_values(values, f"secret '{row['name']}'")
            changes = {
                "name": new_name or row["name"],
                "encrypted_values": cipher.encrypt(row["id"], values),
                "updated": utc_now(),
            }
            connection.execute(update(SECRETS).where(SECRETS.c.id == row["id"]).values(changes))
            return {**row, **changes}

        return self._response(self._db.write(work), with_values=True)

    def delete_secret(self, secret_id: UUID) -> None:
        """Delete a secret (components that reference it fail to resolve afterwards)."""

        def work(connection: Connection) -> None:
            row = _find(connection, secret_id)
            connection.execute(delete(SECRETS).where(SECRETS.c.id == row["id"]))

        self._db.write(work)
