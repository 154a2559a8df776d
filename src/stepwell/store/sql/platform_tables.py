"""Tables of the server's platform features (layer: store): secrets and schedules.

A secret is a name and its values, encrypted before they reach the database (the store
never sees them in the clear; see `stepwell/secrets`). A schedule runs a snapshot by cron
expression or interval between optional start and end times; `next_run_time` is claimed
with a conditional update, so a restarted (or second) server never fires one twice.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    Uuid,
)

from stepwell.store.sql.tables import UTCDateTime, metadata

SECRETS = Table(
    "secrets",
    metadata,
    Column("id", Uuid(), primary_key=True),
    Column("name", String(255), nullable=False, unique=True),
    # The values as one encrypted token (Fernet); the key names are inside it too.
    Column("encrypted_values", Text(), nullable=False),
    Column("created", UTCDateTime(), nullable=False),
    Column("updated", UTCDateTime(), nullable=False),
)

SCHEDULES = Table(
    "schedules",
    metadata,
    Column("id", Uuid(), primary_key=True),
    Column("name", String(255), nullable=False, unique=True),
    Column("snapshot_id", Uuid(), ForeignKey("snapshots.id", ondelete="CASCADE"), nullable=True),
    Column("cron_expression", String(255), nullable=True),
    Column("interval_second", Float(), nullable=True),
    Column("start_time", UTCDateTime(), nullable=True),
    Column("end_time", UTCDateTime(), nullable=True),
    Column("run_once_start_time", UTCDateTime(), nullable=True),
    Column("catchup", Boolean(), nullable=False),
    Column("active", Boolean(), nullable=False),
    Column("next_run_time", UTCDateTime(), nullable=True),
    Column("last_run_time", UTCDateTime(), nullable=True),
    # The run configuration each scheduled run is triggered with.
    Column("run_configuration", JSON(), nullable=True),
    Column("created", UTCDateTime(), nullable=False),
    Column("updated", UTCDateTime(), nullable=False),
    Index("ix_schedules_active_next_run_time", "active", "next_run_time"),
)
