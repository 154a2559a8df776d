"""Tags, run metadata, artifact version names and visualizations.

`tags` and `tag_resources` tag runs, pipelines, artifacts, artifact versions and snapshots;
`run_metadata` holds metadata logged on runs, step runs and artifact versions (each value
with its type; the newest value of a key wins); artifact versions gain a custom
`version_name` (ZenML's string versions) and the list of their `visualizations`.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tags",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("exclusive", sa.Boolean(), nullable=False),
        sa.Column("color", sa.String(32), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_tags"),
        sa.UniqueConstraint("name", name="uq_tags_name"),
    )
    op.create_table(
        "tag_resources",
        sa.Column("tag_id", sa.Uuid(), nullable=False),
        sa.Column("resource_type", sa.String(32), nullable=False),
        sa.Column("resource_id", sa.Uuid(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tags.id"], name="fk_tag_resources_tag_id", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tag_id", "resource_type", "resource_id", name="pk_tag_resources"),
    )
    op.create_index(
        "ix_tag_resources_resource_type_resource_id",
        "tag_resources",
        ["resource_type", "resource_id"],
    )
    op.create_table(
        "run_metadata",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("resource_type", sa.String(32), nullable=False),
        sa.Column("resource_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("publisher_step_run_id", sa.Uuid(), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_run_metadata"),
    )
    op.create_index(
        "ix_run_metadata_resource_type_resource_id",
        "run_metadata",
        ["resource_type", "resource_id"],
    )
    # Plain nullable ADD COLUMNs: SQLite adds them without rebuilding the table.
    op.add_column("artifact_versions", sa.Column("version_name", sa.String(255), nullable=True))
    op.add_column("artifact_versions", sa.Column("visualizations", sa.JSON(), nullable=True))
    op.create_index(
        "uq_artifact_versions_artifact_id_version_name",
        "artifact_versions",
        ["artifact_id", "version_name"],
        unique=True,
        sqlite_where=sa.text("version_name IS NOT NULL"),
        postgresql_where=sa.text("version_name IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_artifact_versions_artifact_id_version_name", table_name="artifact_versions")
    op.drop_column("artifact_versions", "visualizations")
    op.drop_column("artifact_versions", "version_name")
    op.drop_index("ix_run_metadata_resource_type_resource_id", table_name="run_metadata")
    op.drop_table("run_metadata")
    op.drop_index("ix_tag_resources_resource_type_resource_id", table_name="tag_resources")
    op.drop_table("tag_resources")
    op.drop_table("tags")
