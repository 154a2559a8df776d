"""What a shared store needs to stay safe and tidy.

- `artifact_versions.digest`: a cryptographic digest of the version's bytes (checked before
  they are deserialised) and `artifact_versions.load_options`: how the bytes may be read
  (e.g. whether an array was saved with pickled objects), from the record, never from a file
  next to the bytes.
- `pipeline_runs.heartbeat_interval`: the writer's own interval, so that a reader's shorter
  setting never fails someone else's healthy run.
- `pending_outputs`: where a running step's outputs will go, recorded before its worker
  writes, so that bytes of a step whose records never got written can be found and removed.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain nullable ADD COLUMNs: SQLite adds them without rebuilding the table.
    op.add_column("artifact_versions", sa.Column("digest", sa.String(160), nullable=True))
    op.add_column("artifact_versions", sa.Column("load_options", sa.JSON(), nullable=True))
    op.add_column("pipeline_runs", sa.Column("heartbeat_interval", sa.Float(), nullable=True))
    op.create_table(
        "pending_outputs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("pipeline_run_id", sa.Uuid(), nullable=False),
        sa.Column("step_run_id", sa.Uuid(), nullable=True),
        sa.Column("uri", sa.Text(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_pending_outputs"),
    )
    op.create_index("ix_pending_outputs_pipeline_run_id", "pending_outputs", ["pipeline_run_id"])
    op.create_index("ix_pending_outputs_step_run_id", "pending_outputs", ["step_run_id"])


def downgrade() -> None:
    op.drop_index("ix_pending_outputs_step_run_id", table_name="pending_outputs")
    op.drop_index("ix_pending_outputs_pipeline_run_id", table_name="pending_outputs")
    op.drop_table("pending_outputs")
    op.drop_column("pipeline_runs", "heartbeat_interval")
    op.drop_column("artifact_versions", "load_options")
    op.drop_column("artifact_versions", "digest")
