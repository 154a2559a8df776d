"""The model control plane: models, model versions and what belongs to each version.

`models` and `model_versions` (numbered per model, with an optional name of their own and a
stage; at most one version of a model in `staging` and one in `production`, by a partial
unique index), `model_version_artifacts` and `model_version_runs` (links, deleted with
either side), and the `model_version_id` a run and a step run used.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_HELD_ONCE = sa.text("stage IN ('staging', 'production')")


def _link(name: str, other: str, other_table: str) -> None:
    op.create_table(
        name,
        sa.Column("model_version_id", sa.Uuid(), nullable=False),
        sa.Column(other, sa.Uuid(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_version_id"],
            ["model_versions.id"],
            name=f"fk_{name}_model_version_id",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            [other], [f"{other_table}.id"], name=f"fk_{name}_{other}", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("model_version_id", other, name=f"pk_{name}"),
    )
    op.create_index(f"ix_{name}_{other}", name, [other])


def upgrade() -> None:
    op.create_table(
        "models",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        *(
            sa.Column(field, sa.Text(), nullable=True)
            for field in (
                "license",
                "description",
                "audience",
                "use_cases",
                "limitations",
                "trade_offs",
                "ethics",
            )
        ),
        sa.Column("save_models_to_registry", sa.Boolean(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_models"),
        sa.UniqueConstraint("name", name="uq_models_name"),
    )
    op.create_table(
        "model_versions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("model_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("stage", sa.String(32), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_id"], ["models.id"], name="fk_model_versions_model_id", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_model_versions"),
    )
    op.create_index(
        "uq_model_versions_model_id_number", "model_versions", ["model_id", "number"], unique=True
    )
    op.create_index(
        "uq_model_versions_model_id_name", "model_versions", ["model_id", "name"], unique=True
    )
    op.create_index(
        "uq_model_versions_model_id_stage",
        "model_versions",
        ["model_id", "stage"],
        unique=True,
        sqlite_where=_HELD_ONCE,
        postgresql_where=_HELD_ONCE,
    )
    op.create_index("ix_model_versions_created", "model_versions", ["created"])
    _link("model_version_artifacts", "artifact_version_id", "artifact_versions")
    _link("model_version_runs", "pipeline_run_id", "pipeline_runs")
    # Plain nullable ADD COLUMNs: SQLite adds them without rebuilding the table.
    op.add_column("pipeline_runs", sa.Column("model_version_id", sa.Uuid(), nullable=True))
    op.add_column("step_runs", sa.Column("model_version_id", sa.Uuid(), nullable=True))


def downgrade() -> None:
    op.drop_column("step_runs", "model_version_id")
    op.drop_column("pipeline_runs", "model_version_id")
    op.drop_table("model_version_runs")
    op.drop_table("model_version_artifacts")
    op.drop_index("ix_model_versions_created", table_name="model_versions")
    op.drop_index("uq_model_versions_model_id_stage", table_name="model_versions")
    op.drop_index("uq_model_versions_model_id_name", table_name="model_versions")
    op.drop_index("uq_model_versions_model_id_number", table_name="model_versions")
    op.drop_table("model_versions")
    op.drop_table("models")
