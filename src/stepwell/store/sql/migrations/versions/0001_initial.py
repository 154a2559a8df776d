"""Initial schema of the metadata store: pipelines, snapshots, runs, steps and artifacts.

Revision ID: 0001
Revises:
Create Date: 2025-01-01 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_NAME_NOT_NULL = sa.text("name IS NOT NULL")


def _time(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _link_table(table: str) -> None:
    op.create_table(
        table,
        sa.Column("step_run_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("artifact_version_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("step_run_id", "name", "position", name=f"pk_{table}"),
        sa.ForeignKeyConstraint(
            ["step_run_id"],
            ["step_runs.id"],
            name=f"fk_{table}_step_run_id",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["artifact_version_id"],
            ["artifact_versions.id"],
            name=f"fk_{table}_artifact_version_id",
            ondelete="CASCADE",
        ),
    )
    op.create_index(f"ix_{table}_artifact_version_id", table, ["artifact_version_id"])


def upgrade() -> None:
    op.create_table(
        "pipelines",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        _time("created"),
        _time("updated"),
        sa.PrimaryKeyConstraint("id", name="pk_pipelines"),
        sa.UniqueConstraint("name", name="uq_pipelines_name"),
    )
    op.create_table(
        "artifacts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("has_custom_name", sa.Boolean(), nullable=False),
        _time("created"),
        sa.PrimaryKeyConstraint("id", name="pk_artifacts"),
        sa.UniqueConstraint("name", name="uq_artifacts_name"),
    )
    op.create_table(
        "snapshots",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("pipeline_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(255), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("source_root", sa.Text(), nullable=True),
        sa.Column("code_uri", sa.Text(), nullable=True),
        _time("created"),
        sa.PrimaryKeyConstraint("id", name="pk_snapshots"),
        sa.ForeignKeyConstraint(
            ["pipeline_id"],
            ["pipelines.id"],
            name="fk_snapshots_pipeline_id",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_snapshots_pipeline_id", "snapshots", ["pipeline_id"])
    op.create_index(
        "uq_snapshots_pipeline_id_name",
        "snapshots",
        ["pipeline_id", "name"],
        unique=True,
        sqlite_where=_NAME_NOT_NULL,
        postgresql_where=_NAME_NOT_NULL,
    )
    op.create_table(
        "pipeline_runs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("pipeline_id", sa.Uuid(), nullable=True),
        sa.Column("pipeline_name", sa.String(255), nullable=False),
        sa.Column("snapshot_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("is_unlisted", sa.Boolean(), nullable=False),
        _time("start_time", nullable=True),
        _time("end_time", nullable=True),
        _time("created"),
        _time("updated"),
        sa.Column("status_message", sa.Text(), nullable=True),
        sa.Column("orchestrator_pid", sa.Integer(), nullable=True),
        _time("heartbeat", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_pipeline_runs"),
        sa.UniqueConstraint("name", name="uq_pipeline_runs_name"),
        sa.ForeignKeyConstraint(
            ["pipeline_id"],
            ["pipelines.id"],
            name="fk_pipeline_runs_pipeline_id",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["snapshots.id"],
            name="fk_pipeline_runs_snapshot_id",
            ondelete="SET NULL",
        ),
    )
    op.create_index("ix_pipeline_runs_created", "pipeline_runs", ["created"])
    op.create_index("ix_pipeline_runs_status", "pipeline_runs", ["status"])
    op.create_index(
        "ix_pipeline_runs_pipeline_name_created", "pipeline_runs", ["pipeline_name", "created"]
    )
    op.create_index("ix_pipeline_runs_pipeline_id", "pipeline_runs", ["pipeline_id"])
    op.create_index("ix_pipeline_runs_snapshot_id", "pipeline_runs", ["snapshot_id"])
    op.create_table(
        "step_runs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("pipeline_run_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("step_name", sa.String(255), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        _time("start_time", nullable=True),
        _time("end_time", nullable=True),
        _time("created"),
        _time("updated"),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("cache_key", sa.String(255), nullable=True),
        sa.Column("cache_components", sa.JSON(), nullable=False),
        sa.Column("original_step_run_id", sa.Uuid(), nullable=True),
        sa.Column("source_code_hash", sa.String(255), nullable=True),
        sa.Column("logs_uri", sa.Text(), nullable=True),
        sa.Column("exception", sa.Text(), nullable=True),
        sa.Column("status_message", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_step_runs"),
        sa.ForeignKeyConstraint(
            ["pipeline_run_id"],
            ["pipeline_runs.id"],
            name="fk_step_runs_pipeline_run_id",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["original_step_run_id"],
            ["step_runs.id"],
            name="fk_step_runs_original_step_run_id",
            ondelete="SET NULL",
        ),
    )
    op.create_index("ix_step_runs_pipeline_run_id_name", "step_runs", ["pipeline_run_id", "name"])
    op.create_index(
        "ix_step_runs_cache_key_status_created", "step_runs", ["cache_key", "status", "created"]
    )
    op.create_index("ix_step_runs_original_step_run_id", "step_runs", ["original_step_run_id"])
    op.create_table(
        "artifact_versions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("artifact_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("uri", sa.Text(), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("data_type", sa.Text(), nullable=False),
        sa.Column("materializer", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(255), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("producer_step_run_id", sa.Uuid(), nullable=True),
        _time("created"),
        sa.Column("run_metadata", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_artifact_versions"),
        sa.UniqueConstraint(
            "artifact_id", "version", name="uq_artifact_versions_artifact_id_version"
        ),
        sa.ForeignKeyConstraint(
            ["artifact_id"],
            ["artifacts.id"],
            name="fk_artifact_versions_artifact_id",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["producer_step_run_id"],
            ["step_runs.id"],
            name="fk_artifact_versions_producer_step_run_id",
            ondelete="SET NULL",
        ),
    )
    op.create_index(
        "ix_artifact_versions_producer_step_run_id",
        "artifact_versions",
        ["producer_step_run_id"],
    )
    op.create_index("ix_artifact_versions_created", "artifact_versions", ["created"])
    _link_table("step_run_input_artifacts")
    _link_table("step_run_output_artifacts")


def downgrade() -> None:
    for table in (
        "step_run_output_artifacts",
        "step_run_input_artifacts",
        "artifact_versions",
        "step_runs",
        "pipeline_runs",
        "snapshots",
        "artifacts",
        "pipelines",
    ):
        op.drop_table(table)
