"""The server's accounts as records (layer: store): users, service accounts, API keys.

Never carry a password hash or a key digest: what a record holds may be shown to anyone
allowed to list accounts. `ApiKeyResponse.key` holds the key itself only in the answer to
the call that made it; it is not stored and cannot be read again.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar
from uuid import UUID

from stepwell.store.models import _Record

ROLES = ("viewer", "member", "admin")


class UserResponse(_Record):
    """A user (who logs in with a password) or a service account (with API keys)."""

    display_fields: ClassVar[tuple[str, ...]] = ("name", "role", "id")

    id: UUID
    name: str
    role: str
    is_service_account: bool = False
    active: bool = True
    created: datetime
    updated: datetime


class ApiKeyResponse(_Record):
    """An API key of a service account; `key` is set only when the key was just made."""

    display_fields: ClassVar[tuple[str, ...]] = ("name", "active", "id")

    id: UUID
    user_id: UUID
    name: str
    active: bool = True
    created: datetime
    last_used: datetime | None = None
    key: str | None = None

    def __repr__(self) -> str:  # the key, if present, stays out of reprs and logs
        return f"ApiKeyResponse(name={self.name!r}, active={self.active}, id={self.id})"
