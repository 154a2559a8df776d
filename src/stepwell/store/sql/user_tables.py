"""The server's accounts (layer: store): users, service accounts and their API keys.

A user logs in with a password (kept only as an argon2 hash); a service account has no
password and authenticates with API keys, kept only as SHA-256 digests (a key is 32 random
bytes, so a fast digest is enough; the key itself is shown once, when it is made). Each
account has a role: `admin`, `member` or `viewer` (see `store/rest/endpoints.py`).
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, String, Table, Uuid

from stepwell.store.sql.tables import UTCDateTime, metadata

USERS = Table(
    "users",
    metadata,
    Column("id", Uuid(), primary_key=True),
    Column("name", String(255), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=True),
    Column("role", String(16), nullable=False),
    Column("is_service_account", Boolean(), nullable=False),
    Column("active", Boolean(), nullable=False),
    Column("created", UTCDateTime(), nullable=False),
    Column("updated", UTCDateTime(), nullable=False),
)

API_KEYS = Table(
    "api_keys",
    metadata,
    Column("id", Uuid(), primary_key=True),
    Column("user_id", Uuid(), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(255), nullable=False),
    Column("key_digest", String(64), nullable=False, unique=True),
    Column("active", Boolean(), nullable=False),
    Column("created", UTCDateTime(), nullable=False),
    Column("last_used", UTCDateTime(), nullable=True),
    Index("uq_api_keys_user_id_name", "user_id", "name", unique=True),
)
