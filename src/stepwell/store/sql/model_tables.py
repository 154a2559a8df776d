"""The model control plane's SQL tables (layer: store): models, their versions and links.

A model is a name with a model card (license, description, audience, ...); its versions are
numbered 1, 2, ... and may have a name of their own ("v2026") and a stage. At most one
version of a model holds `staging` and one `production`: a partial unique index says so, so
that two concurrent promotions can never both win. The link tables say which artifact
versions and which runs belong to a version; deleting either side deletes the link.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text, Uuid, text

from stepwell.store.sql.tables import UTCDateTime, metadata, partial_unique_index

_HELD_ONCE = text("stage IN ('staging', 'production')")

MODELS = Table(
    "models",
    metadata,
    Column("id", Uuid(), primary_key=True),
    Column("name", String(255), nullable=False, unique=True),
    Column("license", Text(), nullable=True),
    Column("description", Text(), nullable=True),
    Column("audience", Text(), nullable=True),
    Column("use_cases", Text(), nullable=True),
    Column("limitations", Text(), nullable=True),
    Column("trade_offs", Text(), nullable=True),
    Column("ethics", Text(), nullable=True),
    Column("save_models_to_registry", Boolean(), nullable=False),
    Column("created", UTCDateTime(), nullable=False),
    Column("updated", UTCDateTime(), nullable=False),
)

MODEL_VERSIONS = Table(
    "model_versions",
    metadata,
    Column("id", Uuid(), primary_key=True),
    Column("model_id", Uuid(), ForeignKey("models.id", ondelete="CASCADE"), nullable=False),
    Column("number", Integer(), nullable=False),
    # The number as text unless the version was given a name of its own.
    Column("name", String(255), nullable=False),
    Column("description", Text(), nullable=True),
    Column("stage", String(32), nullable=True),
    Column("created", UTCDateTime(), nullable=False),
    Column("updated", UTCDateTime(), nullable=False),
    Index("uq_model_versions_model_id_number", "model_id", "number", unique=True),
    Index("uq_model_versions_model_id_name", "model_id", "name", unique=True),
    partial_unique_index("uq_model_versions_model_id_stage", "model_id", "stage", where=_HELD_ONCE),
    Index("ix_model_versions_created", "created"),
)

# Artifact version `artifact_version_id` belongs to model version `model_version_id`.
MODEL_VERSION_ARTIFACTS = Table(
    "model_version_artifacts",
    metadata,
    Column(
        "model_version_id",
        Uuid(),
        ForeignKey("model_versions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "artifact_version_id",
        Uuid(),
        ForeignKey("artifact_versions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("created", UTCDateTime(), nullable=False),
    Index("ix_model_version_artifacts_artifact_version_id", "artifact_version_id"),
)

# Run `pipeline_run_id` made or used model version `model_version_id`.
MODEL_VERSION_RUNS = Table(
    "model_version_runs",
    metadata,
    Column(
        "model_version_id",
        Uuid(),
        ForeignKey("model_versions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "pipeline_run_id",
        Uuid(),
        ForeignKey("pipeline_runs.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("created", UTCDateTime(), nullable=False),
    Index("ix_model_version_runs_pipeline_run_id", "pipeline_run_id"),
)
