"""What the model control plane's list calls select, filter and sort by (layer: store).

Models (with their newest version's name and id), model versions (with their model's
name), and the links of a version to artifact versions and to runs; field names follow
ZenML's filter models (`model`, `number`, `stage`, `artifact_name`, `pipeline_run_name`).
Also the row-to-record conversions of these resources.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select

from stepwell.enums import ModelStages
from stepwell.store.base import Store
from stepwell.store.filters import FieldSpec
from stepwell.store.model_records import (
    CARD_FIELDS,
    ModelResponse,
    ModelVersionArtifactLink,
    ModelVersionPipelineRunLink,
    ModelVersionResponse,
)
from stepwell.store.row_conversions import Row, run_response, version_response
from stepwell.store.sql.listing import Listing
from stepwell.store.sql.model_tables import (
    MODEL_VERSION_ARTIFACTS,
    MODEL_VERSION_RUNS,
    MODEL_VERSIONS,
    MODELS,
)
from stepwell.store.sql.tables import ARTIFACTS, RUNS, VERSIONS


def _newest(column: ColumnElement[Any]) -> Any:
    """`column` of a model's highest-numbered version (a correlated subquery)."""
    return (
        select(column)
        .where(MODEL_VERSIONS.c.model_id == MODELS.c.id)
        .order_by(MODEL_VERSIONS.c.number.desc())
        .limit(1)
        .scalar_subquery()
    )


LATEST_VERSION_NAME = _newest(MODEL_VERSIONS.c.name).label("latest_version_name")
LATEST_VERSION_ID = _newest(MODEL_VERSIONS.c.id).label("latest_version_id")

MODEL_LISTING = Listing(
    source=MODELS,
    selected=[MODELS, LATEST_VERSION_NAME, LATEST_VERSION_ID],
    columns={
        name: MODELS.c[name]
        for name in ("id", "name", "created", "updated", "save_models_to_registry", *CARD_FIELDS)
    },
    id_column=MODELS.c.id,
    tiebreak=[MODELS.c.created, MODELS.c.name],
    tag_type=ModelResponse.tag_resource_type,
)

MODEL_VERSION_LISTING = Listing(
    source=MODEL_VERSIONS.join(MODELS, MODELS.c.id == MODEL_VERSIONS.c.model_id),
    selected=[MODEL_VERSIONS, MODELS.c.name.label("model_name")],
    columns={
        **{
            name: MODEL_VERSIONS.c[name]
            for name in ("id", "name", "number", "stage", "description", "created", "updated")
        },
        "model_id": MODEL_VERSIONS.c.model_id,
        "model": MODEL_VERSIONS.c.model_id,
        "model_name": MODELS.c.name,
    },
    id_column=MODEL_VERSIONS.c.id,
    tiebreak=[MODEL_VERSIONS.c.created, MODEL_VERSIONS.c.number],
    specs={"stage": FieldSpec.enum("stage", ModelStages)},
    tag_type=ModelVersionResponse.tag_resource_type,
)

ARTIFACT_LINK_LISTING = Listing(
    source=MODEL_VERSION_ARTIFACTS.join(
        VERSIONS, VERSIONS.c.id == MODEL_VERSION_ARTIFACTS.c.artifact_version_id
    ).join(ARTIFACTS, ARTIFACTS.c.id == VERSIONS.c.artifact_id),
    selected=[
        VERSIONS,
        ARTIFACTS.c.name.label("artifact_name"),
        MODEL_VERSION_ARTIFACTS.c.model_version_id.label("link_model_version_id"),
        MODEL_VERSION_ARTIFACTS.c.created.label("link_created"),
    ],
    columns={
        "model_version_id": MODEL_VERSION_ARTIFACTS.c.model_version_id,
        "artifact_version_id": MODEL_VERSION_ARTIFACTS.c.artifact_version_id,
        "artifact_name": ARTIFACTS.c.name,
        "has_custom_name": ARTIFACTS.c.has_custom_name,
        "created": MODEL_VERSION_ARTIFACTS.c.created,
    },
    id_column=MODEL_VERSION_ARTIFACTS.c.artifact_version_id,
    tiebreak=[MODEL_VERSION_ARTIFACTS.c.created, ARTIFACTS.c.name, VERSIONS.c.version],
)

RUN_LINK_LISTING = Listing(
    source=MODEL_VERSION_RUNS.join(RUNS, RUNS.c.id == MODEL_VERSION_RUNS.c.pipeline_run_id),
    selected=[
        RUNS,
        MODEL_VERSION_RUNS.c.model_version_id.label("link_model_version_id"),
        MODEL_VERSION_RUNS.c.created.label("link_created"),
    ],
    columns={
        "model_version_id": MODEL_VERSION_RUNS.c.model_version_id,
        "pipeline_run_id": MODEL_VERSION_RUNS.c.pipeline_run_id,
        "pipeline_run_name": RUNS.c.name,
        "created": MODEL_VERSION_RUNS.c.created,
    },
    id_column=MODEL_VERSION_RUNS.c.pipeline_run_id,
    tiebreak=[MODEL_VERSION_RUNS.c.created, RUNS.c.name],
)


def model_response(row: Row, store: Store) -> ModelResponse:
    """The record of a `models` row (with `latest_version_*` when selected)."""
    response = ModelResponse.model_construct(
        id=row["id"],
        name=row["name"],
        **{field: row[field] for field in CARD_FIELDS},
        save_models_to_registry=bool(row["save_models_to_registry"]),
        created=row["created"],
        updated=row["updated"],
        latest_version_name=row.get("latest_version_name"),
        latest_version_id=row.get("latest_version_id"),
    )
    response.bind(store)
    return response


def model_version_response(row: Row, model_name: str, store: Store) -> ModelVersionResponse:
    """The record of a `model_versions` row of the model called `model_name`."""
    response = ModelVersionResponse.model_construct(
        id=row["id"],
        name=row["name"],
        number=row["number"],
        description=row["description"],
        stage=row["stage"],
        model_id=row["model_id"],
        model_name=model_name,
        created=row["created"],
        updated=row["updated"],
    )
    response.bind(store)
    return response


def artifact_link(row: Row, store: Store) -> ModelVersionArtifactLink:
    """The record of one row of `ARTIFACT_LINK_LISTING`."""
    link = ModelVersionArtifactLink.model_construct(
        model_version_id=row["link_model_version_id"],
        artifact_version=version_response(row, row["artifact_name"], store),
        created=row["link_created"],
    )
    link.bind(store)
    return link


def run_link(row: Row, store: Store) -> ModelVersionPipelineRunLink:
    """The record of one row of `RUN_LINK_LISTING`."""
    link = ModelVersionPipelineRunLink.model_construct(
        model_version_id=row["link_model_version_id"],
        pipeline_run=run_response(row, store),
        created=row["link_created"],
    )
    link.bind(store)
    return link
