"""The Client's accounts: users, service accounts and their API keys (read layer).

ZenML's method names and lookups (a name, an id or an id prefix), over the store's account
methods. Users log in with a password; service accounts have API keys instead, and a key
is readable only in the answer to `create_api_key`. On a server these calls need the
`admin` role; on the local store they work as they are (there is no login to check).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from uuid import UUID, uuid5

from stepwell.client.base import ClientBase
from stepwell.exceptions import EntityNotFoundError, IllegalOperationError, StoreError
from stepwell.store.page import Page
from stepwell.store.user_records import ApiKeyResponse, UserResponse

# The local store has no login: like ZenML's local store, it answers as the user "default".
LOCAL_USER_NAME = "default"
_LOCAL_USER_ID = uuid5(UUID(int=0), "stepwell-local-user")


def _role(role: str | None, is_admin: bool | None, default: str | None) -> str | None:
    """ZenML's `is_admin` flag as one of our roles; an explicit `role` wins."""
    if role is not None:
        return role
    if is_admin is None:
        return default
    return "admin" if is_admin else "member"


class AccountsMixin(ClientBase):
    """Users, service accounts and API keys."""

    # -- users ---------------------------------------------------------------------------------
    @property
    def active_user(self) -> UserResponse:
        """The user this client acts as: on a server, the one its credentials log in as; on
        the local store (no login, every call allowed) a user "default" with the admin role
        (a stored user of that name if there is one). Where the full record cannot be read,
        `created` and `updated` are the epoch."""
        current = getattr(self.store, "current_user", None)
        me: dict[str, Any] = {"id": _LOCAL_USER_ID, "name": LOCAL_USER_NAME, "role": "admin"}
        if current is not None:
            me = current()
        try:
            return self.store.get_user(UUID(str(me["id"])) if current else LOCAL_USER_NAME)
        except StoreError:  # not stored, or (not an admin on a server) not ours to read
            epoch = datetime.fromtimestamp(0, timezone.utc)
            return UserResponse(
                id=me["id"], name=me["name"], role=me["role"], created=epoch, updated=epoch
            )

    def create_user(
        self,
        name: str,
        password: str | None = None,
        is_admin: bool = False,
        role: str | None = None,
    ) -> UserResponse:
        """A new user who logs in with `password`; `role` is viewer, member or admin
        (ZenML's `is_admin=True` means admin)."""
        return self.store.create_user(
            name=name, password=password, role=_role(role, is_admin, "member") or "member"
        )

    def get_user(self, name_id_or_prefix: str | UUID) -> UserResponse:
        """A user (not a service account) by name, id or id prefix."""
        return self._account(name_id_or_prefix, service_account=False)

    def list_users(
        self,
        sort_by: str = "created",
        page: int = 1,
        size: int = 50,
        logical_operator: str = "and",
        **filters: Any,
    ) -> Page[UserResponse]:
        """One page of users (filters: `name`, `role`, `active`, `created`, ...)."""
        return self.store.list_users(
            sort_by=sort_by, page=page, size=size, logical_operator=logical_operator,
            **filters, is_service_account=False,
        )  # fmt: skip

    def update_user(
        self,
        name_id_or_prefix: str | UUID,
        updated_password: str | None = None,
        updated_is_admin: bool | None = None,
        active: bool | None = None,
        role: str | None = None,
    ) -> UserResponse:
        """Set a user's password, role (`role`, or ZenML's `updated_is_admin`) or whether
        the user may log in (`active`)."""
        user = self.get_user(name_id_or_prefix)
        return self.store.update_user(
            user.id,
            role=_role(role, updated_is_admin, None),
            active=active,
            password=updated_password,
        )

    def deactivate_user(self, name_id_or_prefix: str | UUID) -> UserResponse:
        """Stop a user from logging in (their records stay)."""
        return self.update_user(name_id_or_prefix, active=False)

    def delete_user(self, name_id_or_prefix: str | UUID) -> None:
        """Delete a user."""
        self.store.delete_user(self.get_user(name_id_or_prefix).id)

    # -- service accounts ----------------------------------------------------------------------
    def create_service_account(self, name: str, role: str = "member") -> UserResponse:
        """A new service account (it logs in with API keys: `create_api_key`)."""
        return self.store.create_user(name=name, role=role, is_service_account=True)

    def get_service_account(self, name_id_or_prefix: str | UUID) -> UserResponse:
        """A service account by name, id or id prefix."""
        return self._account(name_id_or_prefix, service_account=True)

    def list_service_accounts(
        self,
        sort_by: str = "created",
        page: int = 1,
        size: int = 50,
        logical_operator: str = "and",
        **filters: Any,
    ) -> Page[UserResponse]:
        """One page of service accounts (filters: `name`, `role`, `active`, ...)."""
        return self.store.list_users(
            sort_by=sort_by, page=page, size=size, logical_operator=logical_operator,
            **filters, is_service_account=True,
        )  # fmt: skip

    def update_service_account(
        self,
        name_id_or_prefix: str | UUID,
        active: bool | None = None,
        role: str | None = None,
    ) -> UserResponse:
        """Change a service account's role, or whether its keys work at all (`active`)."""
        account = self.get_service_account(name_id_or_prefix)
        return self.store.update_user(account.id, role=role, active=active)

    def delete_service_account(self, name_id_or_prefix: str | UUID) -> None:
        """Delete a service account and its API keys."""
        self.store.delete_user(self.get_service_account(name_id_or_prefix).id)

    # -- API keys ------------------------------------------------------------------------------
    def create_api_key(
        self, service_account_name_id_or_prefix: str | UUID, name: str
    ) -> ApiKeyResponse:
        """A new API key of a service account; its `.key` is readable only in this answer."""
        account = self.get_service_account(service_account_name_id_or_prefix)
        return self.store.create_api_key(user=account.id, name=name)

    def list_api_keys(
        self,
        service_account_name_id_or_prefix: str | UUID,
        sort_by: str = "created",
        page: int = 1,
        size: int = 50,
        logical_operator: str = "and",
        **filters: Any,
    ) -> Page[ApiKeyResponse]:
        """One page of a service account's API keys (never the keys themselves)."""
        account = self.get_service_account(service_account_name_id_or_prefix)
        return self.store.list_api_keys(
            user=account.id, sort_by=sort_by, page=page, size=size,
            logical_operator=logical_operator, **filters,
        )  # fmt: skip

    def get_api_key(
        self, service_account_name_id_or_prefix: str | UUID, name_id_or_prefix: str | UUID
    ) -> ApiKeyResponse:
        """One API key of a service account, by its name, id or id prefix."""
        account = self.get_service_account(service_account_name_id_or_prefix)
        wanted = str(name_id_or_prefix).strip()
        keys = list(self.store.list_api_keys(user=account.id, size=1_000_000))
        by_name = [key for key in keys if key.name == wanted]
        if by_name:
            return by_name[0]
        prefix = wanted.replace("-", "").lower()
        by_id = [key for key in keys if prefix and key.id.hex.startswith(prefix)]
        if len(by_id) == 1:
            return by_id[0]
        names = ", ".join(sorted(key.name for key in keys)) or "none"
        raise EntityNotFoundError(
            f"Service account '{account.name}' has no API key '{wanted}' (its keys: {names})."
        )

    def update_api_key(
        self,
        service_account_name_id_or_prefix: str | UUID,
        name_id_or_prefix: str | UUID,
        active: bool | None = None,
    ) -> ApiKeyResponse:
        """`active=False` revokes the key (as `revoke_api_key`); a revoked key stays revoked."""
        key = self.get_api_key(service_account_name_id_or_prefix, name_id_or_prefix)
        if active is None or active == key.active:
            return key
        if active:
            raise IllegalOperationError(
                f"API key '{key.name}' was revoked and cannot be made active again; create "
                "a new one with `create_api_key`."
            )
        return self.store.revoke_api_key(key.id)

    def revoke_api_key(
        self, service_account_name_id_or_prefix: str | UUID, name_id_or_prefix: str | UUID
    ) -> ApiKeyResponse:
        """Make an API key stop working at once for new logins (it stays listed, inactive);
        tokens it already got last until they expire."""
        key = self.get_api_key(service_account_name_id_or_prefix, name_id_or_prefix)
        return self.store.revoke_api_key(key.id)

    # -- lookups -------------------------------------------------------------------------------
    def _account(self, name_id_or_prefix: str | UUID, *, service_account: bool) -> UserResponse:
        account = self.store.get_user(name_id_or_prefix)
        if account.is_service_account != service_account:
            kind, other = ("a user", "get_user") if service_account else (
                "a service account", "get_service_account"
            )  # fmt: skip
            raise EntityNotFoundError(
                f"'{account.name}' is {kind}, not a "
                f"{'service account' if service_account else 'user'}; use {other}."
            )
        return account
