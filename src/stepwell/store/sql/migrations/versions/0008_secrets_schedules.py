"""Secrets (values encrypted before they are stored) and schedules (a snapshot run by cron
expression or interval), and the schedule a run was started by.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 13:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "secrets",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("encrypted_values", sa.Text(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_secrets"),
        sa.UniqueConstraint("name", name="uq_secrets_name"),
    )
    op.create_table(
        "schedules",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("snapshot_id", sa.Uuid(), nullable=True),
        sa.Column("cron_expression", sa.String(255), nullable=True),
        sa.Column("interval_second", sa.Float(), nullable=True),
        sa.Column("start_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("run_once_start_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("catchup", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("next_run_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_run_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("run_configuration", sa.JSON(), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["snapshot_id"], ["snapshots.id"], name="fk_schedules_snapshot_id", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_schedules"),
        sa.UniqueConstraint("name", name="uq_schedules_name"),
    )
    op.create_index("ix_schedules_active_next_run_time", "schedules", ["active", "next_run_time"])
    # A plain nullable ADD COLUMN: SQLite adds it without rebuilding the table.
    op.add_column("pipeline_runs", sa.Column("schedule_id", sa.Uuid(), nullable=True))


def downgrade() -> None:
    op.drop_column("pipeline_runs", "schedule_id")
    op.drop_index("ix_schedules_active_next_run_time", table_name="schedules")
    op.drop_table("schedules")
    op.drop_table("secrets")
