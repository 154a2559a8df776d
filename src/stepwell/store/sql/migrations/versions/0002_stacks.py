"""Stacks: stack components, stacks, their composition, and the stack each run ran on.

Revision ID: 0002
Revises: 0001
Create Date: 2025-02-01 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _time(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "stack_components",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("flavor", sa.String(255), nullable=False),
        sa.Column("configuration", sa.JSON(), nullable=False),
        _time("created"),
        _time("updated"),
        sa.PrimaryKeyConstraint("id", name="pk_stack_components"),
        sa.UniqueConstraint("type", "name", name="uq_stack_components_type_name"),
    )
    op.create_table(
        "stacks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        _time("created"),
        _time("updated"),
        sa.PrimaryKeyConstraint("id", name="pk_stacks"),
        sa.UniqueConstraint("name", name="uq_stacks_name"),
    )
    op.create_table(
        "stack_composition",
        sa.Column("stack_id", sa.Uuid(), nullable=False),
        sa.Column("component_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("stack_id", "component_id", name="pk_stack_composition"),
        sa.ForeignKeyConstraint(
            ["stack_id"],
            ["stacks.id"],
            name="fk_stack_composition_stack_id",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["component_id"],
            ["stack_components.id"],
            name="fk_stack_composition_component_id",
        ),
    )
    op.create_index("ix_stack_composition_component_id", "stack_composition", ["component_id"])
    # A plain ADD COLUMN (no foreign key): on SQLite anything more rebuilds the table.
    op.add_column("pipeline_runs", sa.Column("stack_id", sa.Uuid(), nullable=True))
    op.create_index("ix_pipeline_runs_stack_id", "pipeline_runs", ["stack_id"])


def downgrade() -> None:
    op.drop_index("ix_pipeline_runs_stack_id", table_name="pipeline_runs")
    op.drop_column("pipeline_runs", "stack_id")
    for table in ("stack_composition", "stacks", "stack_components"):
        op.drop_table(table)
