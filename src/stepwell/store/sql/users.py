"""Accounts in the SQL metadata store (layer: store): users, service accounts, API keys.

Passwords are hashed with argon2 (`pwdlib`) before they reach the database and checked
against the hash in constant time; API keys are random (`secrets.token_urlsafe`) and stored
as SHA-256 digests, looked up by digest. The verify methods are for the server's login and
are not part of the REST API.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Connection, delete, select, update

from stepwell.exceptions import EntityExistsError, EntityNotFoundError, StoreError
from stepwell.store.page import Page
from stepwell.store.row_conversions import Row, as_uuid
from stepwell.store.sql.common import SqlStoreBase
from stepwell.store.sql.listing import Listing, each, read_page
from stepwell.store.sql.queries import id_prefix, parse_uuid
from stepwell.store.sql.tables import utc_now
from stepwell.store.sql.user_tables import API_KEYS, USERS
from stepwell.store.user_records import ROLES, ApiKeyResponse, UserResponse

KEY_PREFIX = "swk_"
MIN_PASSWORD = 8

USER_LISTING = Listing(
    source=USERS,
    selected=[USERS],
    columns={
        name: USERS.c[name]
        for name in ("id", "name", "role", "is_service_account", "active", "created", "updated")
    },
    id_column=USERS.c.id,
    tiebreak=[USERS.c.created, USERS.c.name],
)
API_KEY_LISTING = Listing(
    source=API_KEYS,
    selected=[API_KEYS],
    columns={name: API_KEYS.c[name] for name in ("id", "user_id", "name", "active", "created")},
    id_column=API_KEYS.c.id,
    tiebreak=[API_KEYS.c.created, API_KEYS.c.name],
)


def _hasher() -> Any:
    from pwdlib import PasswordHash

    return PasswordHash.recommended()


def digest(key: str) -> str:
    """The stored form of an API key."""
    return hashlib.sha256(key.encode()).hexdigest()


def _user(row: Row, store: Any) -> UserResponse:
    response = UserResponse.model_construct(
        **{k: row[k] for k in ("id", "name", "role", "is_service_account", "active")},
        created=row["created"],
        updated=row["updated"],
    )
    response.bind(store)
    return response


def _key(row: Row, store: Any, key: str | None = None) -> ApiKeyResponse:
    response = ApiKeyResponse.model_construct(
        **{k: row[k] for k in ("id", "user_id", "name", "active", "created", "last_used")},
        key=key,
    )
    response.bind(store)
    return response


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise StoreError(f"'{role}' is not a role; use one of: {', '.join(ROLES)}.")
    return role


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise StoreError(f"A password needs at least {MIN_PASSWORD} characters.")


def _find_user(connection: Connection, name_or_id: str | UUID) -> Row:
    value = str(name_or_id).strip()
    full = name_or_id if isinstance(name_or_id, UUID) else parse_uuid(value)
    statement = select(USERS).where(USERS.c.id == full if full else USERS.c.name == value)
    row = connection.execute(statement).first()
    if row is None and full is None and id_prefix(value):
        rows = connection.execute(select(USERS)).all()
        matches = [r for r in rows if r.id.hex.startswith(value.replace("-", "").lower())]
        row = matches[0] if len(matches) == 1 else None
    if row is None:
        raise EntityNotFoundError(f"No user or service account '{value}' exists.")
    return row._mapping


def _is_active_admin_user(row: Row) -> bool:
    return row["role"] == "admin" and bool(row["active"]) and not row["is_service_account"]


def _keep_an_admin(connection: Connection, row: Row, change: str) -> None:
    """Refuse to delete, deactivate or demote the last active admin user.

    Without one nobody can manage accounts any more, and a server restart does not make a
    new one (it only creates its first admin in a store without accounts). Service accounts
    do not count: nobody can log in to the dashboard as one. The other admins' rows are locked
    (where the database can) so two admins cannot demote each other at the same time.
    """
    if not _is_active_admin_user(row):
        return
    others = connection.execute(
        select(USERS.c.id)
        .where(
            USERS.c.role == "admin",
            USERS.c.active.is_(True),
            USERS.c.is_service_account.is_(False),
            USERS.c.id != row["id"],
        )
        .with_for_update()
    ).first()
    if others is None:
        raise StoreError(
            f"Cannot {change} '{row['name']}': it is the last active admin, and without one "
            "nobody can manage accounts. Make another user admin first "
            "(`stepwell user update <name> --role admin`)."
        )


class UserMethods(SqlStoreBase):
    """The accounts part of `SqlStore`."""

    def create_user(
        self,
        *,
        name: str,
        password: str | None = None,
        role: str = "member",
        is_service_account: bool = False,
    ) -> UserResponse:
        """A new user (with a password) or service account (without one)."""
        _check_role(role)
        if is_service_account and password:
            raise StoreError("A service account has no password; it uses API keys.")
        if not is_service_account:
            if not password:
                raise StoreError(f"User '{name}' needs a password.")
            _check_password(password)
        hashed = _hasher().hash(password) if password else None
        now = utc_now()
        values = {
            "id": uuid4(),
            "name": name.strip(),
            "password_hash": hashed,
            "role": role,
            "is_service_account": is_service_account,
            "active": True,
            "created": now,
            "updated": now,
        }
        if not values["name"]:
            raise StoreError("An account needs a name.")

        def work(connection: Connection) -> None:
            taken = connection.scalar(select(USERS.c.id).where(USERS.c.name == values["name"]))
            if taken is not None:
                raise EntityExistsError(f"An account named '{name}' already exists.")
            connection.execute(USERS.insert(), values)

        self._db.write(work)
        return _user(values, self._store())

    def get_user(self, name_or_id: str | UUID) -> UserResponse:
        """A user or service account by name, id or unique id prefix."""
        with self._db.read() as connection:
            return _user(_find_user(connection, name_or_id), self._store())

    def list_users(
        self,
        *,
        sort_by: str = "created",
        page: int = 1,
        size: int = 50,
        logical_operator: Any = "and",
        **filters: Any,
    ) -> Page[UserResponse]:
        """One page of accounts (`is_service_account=True` for service accounts only)."""
        store = self._store()
        return read_page(
            self._db, USER_LISTING, filters, sort_by, page, size, logical_operator,
            each(lambda row: _user(row, store)),
        )  # fmt: skip

    def update_user(
        self,
        user_id: UUID,
        *,
        role: str | None = None,
        active: bool | None = None,
        password: str | None = None,
    ) -> UserResponse:
        """Change an account's role, deactivate or reactivate it, or set a new password.

        The last active admin user cannot be demoted or deactivated (see `_keep_an_admin`)."""
        values: dict[str, Any] = {"updated": utc_now()}
        if role is not None:
            values["role"] = _check_role(role)
        if active is not None:
            values["active"] = active
        if password is not None:
            _check_password(password)
            values["password_hash"] = _hasher().hash(password)

        def work(connection: Connection) -> Row:
            row = _find_user(connection, user_id)
            if password is not None and row["is_service_account"]:
                raise StoreError("A service account has no password; it uses API keys.")
            if role is not None and role != "admin":
                _keep_an_admin(connection, row, f"make {role}")
            if active is False:
                _keep_an_admin(connection, row, "deactivate")
            connection.execute(update(USERS).where(USERS.c.id == row["id"]).values(values))
            return {**row, **values}

        return _user(self._db.write(work), self._store())

    def delete_user(self, user_id: UUID) -> None:
        """Delete an account and its API keys (never the last active admin user)."""

        def work(connection: Connection) -> None:
            row = _find_user(connection, user_id)
            _keep_an_admin(connection, row, "delete")
            connection.execute(delete(API_KEYS).where(API_KEYS.c.user_id == row["id"]))
            connection.execute(delete(USERS).where(USERS.c.id == row["id"]))

        self._db.write(work)

    def create_api_key(self, *, user: str | UUID, name: str) -> ApiKeyResponse:
        """A new API key for a service account; the answer holds the key, shown only now."""
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        now = utc_now()

        def work(connection: Connection) -> Row:
            owner = _find_user(connection, user)
            if not owner["is_service_account"]:
                raise StoreError(
                    f"'{owner['name']}' is a user; API keys belong to service accounts "
                    "(stepwell service-account create NAME)."
                )
            taken = connection.scalar(
                select(API_KEYS.c.id).where(
                    API_KEYS.c.user_id == owner["id"], API_KEYS.c.name == name
                )
            )
            if taken is not None:
                raise EntityExistsError(f"'{owner['name']}' already has an API key '{name}'.")
            values = {
                "id": uuid4(),
                "user_id": owner["id"],
                "name": name,
                "key_digest": digest(key),
                "active": True,
                "created": now,
                "last_used": None,
            }
            connection.execute(API_KEYS.insert(), values)
            return values

        return _key(self._db.write(work), self._store(), key)

    def list_api_keys(
        self,
        *,
        user: str | UUID | None = None,
        sort_by: str = "created",
        page: int = 1,
        size: int = 50,
        logical_operator: Any = "and",
        **filters: Any,
    ) -> Page[ApiKeyResponse]:
        """One page of API keys (of one service account when `user` is given)."""
        extra = []
        if user is not None:
            with self._db.read() as connection:
                extra.append(API_KEYS.c.user_id == _find_user(connection, user)["id"])
        store = self._store()
        return read_page(
            self._db, API_KEY_LISTING, filters, sort_by, page, size, logical_operator,
            each(lambda row: _key(row, store)), extra=extra,
        )  # fmt: skip

    def revoke_api_key(self, key_id: UUID) -> ApiKeyResponse:
        """Make an API key stop working (it stays listed, inactive)."""

        def work(connection: Connection) -> Row:
            row = connection.execute(
                select(API_KEYS).where(API_KEYS.c.id == as_uuid(key_id))
            ).first()
            if row is None:
                raise EntityNotFoundError(f"No API key with id {key_id} exists.")
            connection.execute(update(API_KEYS).where(API_KEYS.c.id == row.id).values(active=False))
            return {**row._mapping, "active": False}

        return _key(self._db.write(work), self._store())

    # -- for the server's login only (not part of the REST API) ----------------------------
    def verify_password(self, name: str, password: str) -> UserResponse | None:
        """The active user `name` if `password` is theirs; None otherwise."""
        hasher = _hasher()
        with self._db.read() as connection:
            row = connection.execute(select(USERS).where(USERS.c.name == name)).first()
        if row is None or not row.password_hash or not row.active:
            hasher.verify(password, _DUMMY_HASH.get(hasher))  # the same time either way
            return None
        if not hasher.verify(password, row.password_hash):
            return None
        return _user(row._mapping, self._store())

    def verify_api_key(self, key: str) -> UserResponse | None:
        """The active service account an active API key belongs to; None otherwise."""
        statement = (
            select(USERS, API_KEYS.c.id.label("key_id"))
            .join(API_KEYS, API_KEYS.c.user_id == USERS.c.id)
            .where(
                API_KEYS.c.key_digest == digest(key),
                API_KEYS.c.active.is_(True),
                USERS.c.active.is_(True),
            )
        )
        with self._db.read() as connection:
            row = connection.execute(statement).first()
        if row is None:
            return None
        self._db.write(
            lambda connection: connection.execute(
                update(API_KEYS).where(API_KEYS.c.id == row.key_id).values(last_used=utc_now())
            )
        )
        return _user(row._mapping, self._store())


class _DummyHash:
    """A hash to verify against when there is no user, so timing does not tell names."""

    _value: str | None = None

    def get(self, hasher: Any) -> str:
        if self._value is None:
            self._value = hasher.hash(secrets.token_urlsafe(16))
        return self._value


_DUMMY_HASH = _DummyHash()
