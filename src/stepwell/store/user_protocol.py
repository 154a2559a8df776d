"""The accounts part of the `Store` interface (layer: store): users, service accounts and
their API keys, which the stepwell server authenticates callers with (see
`store.sql.users`). Passwords and keys go in; only their hashes are kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID

from stepwell.store.page import Page

if TYPE_CHECKING:
    from stepwell.store.user_records import ApiKeyResponse, UserResponse


class AccountStore(Protocol):
    """Account operations (the server's REST API offers them to admins)."""

    def create_user(
        self,
        *,
        name: str,
        password: str | None = None,
        role: str = "member",
        is_service_account: bool = False,
    ) -> UserResponse: ...
    def get_user(self, name_or_id: str | UUID) -> UserResponse: ...
    def list_users(self, **query: Any) -> Page[UserResponse]: ...
    def update_user(
        self,
        user_id: UUID,
        *,
        role: str | None = None,
        active: bool | None = None,
        password: str | None = None,
    ) -> UserResponse: ...
    def delete_user(self, user_id: UUID) -> None: ...
    def create_api_key(self, *, user: str | UUID, name: str) -> ApiKeyResponse: ...
    def list_api_keys(
        self, *, user: str | UUID | None = None, **query: Any
    ) -> Page[ApiKeyResponse]: ...
    def revoke_api_key(self, key_id: UUID) -> ApiKeyResponse: ...
