"""Runs record their orchestrating process's host and start token, and stop requests.

With the pid they name the process for sure (see `stepwell.utils.processes`); a stop that
cannot signal it is recorded in `stop_requested_at`, which the run reads with its heartbeat.

Revision ID: 0003
Revises: 0002
Create Date: 2025-03-01 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_COLUMNS = ("orchestrator_host", "orchestrator_start_token", "stop_requested_at")


def upgrade() -> None:
    # Plain nullable ADD COLUMNs: SQLite adds them without rebuilding the table.
    op.add_column("pipeline_runs", sa.Column("orchestrator_host", sa.String(255), nullable=True))
    op.add_column(
        "pipeline_runs", sa.Column("orchestrator_start_token", sa.String(128), nullable=True)
    )
    op.add_column(
        "pipeline_runs",
        sa.Column("stop_requested_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    for column in reversed(_COLUMNS):
        op.drop_column("pipeline_runs", column)
