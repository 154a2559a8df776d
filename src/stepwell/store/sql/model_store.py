"""The model control plane in the SQL metadata store (layer: store).

Models, their versions, stages and links, as `SqlStore` methods. Each call is one
transaction; creating a version (a new number, a new model, a taken stage) is retried when a
concurrent writer took the same unique value first, so two runs of one model started at the
same moment get distinct numbers. The versions a run needs are resolved, created and linked
to the run in one transaction by `prepare_run_model_versions`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Connection, delete, select, update

from stepwell.exceptions import EntityExistsError, EntityNotFoundError, StoreError
from stepwell.model.stages import is_number, is_stage
from stepwell.store.model_records import (
    CARD_FIELDS,
    ModelResponse,
    ModelVersionRequest,
)
from stepwell.store.page import Page
from stepwell.store.row_conversions import Row
from stepwell.store.sql.common import SqlStoreBase, write_new_version
from stepwell.store.sql.forget import forget_resources
from stepwell.store.sql.listing import each, read_page
from stepwell.store.sql.model_listings import (
    LATEST_VERSION_ID,
    LATEST_VERSION_NAME,
    MODEL_LISTING,
    model_response,
)
from stepwell.store.sql.model_tables import MODEL_VERSIONS, MODELS
from stepwell.store.sql.model_versions import (
    find_version,
    insert_version,
)
from stepwell.store.sql.queries import resolve
from stepwell.store.sql.tables import RUNS, STEP_RUNS, utc_now
from stepwell.store.sql.tag_links import attach_tags, detach_tags


def check_card(card: dict[str, Any]) -> None:
    """StoreError naming a model card field that does not exist or is not text (an unknown
    keyword would otherwise be dropped silently, or fail in the database)."""
    unknown = sorted(set(card) - set(CARD_FIELDS))
    if unknown:
        raise StoreError(
            f"Unknown model card field(s): {', '.join(unknown)}; a model card has: "
            f"{', '.join(CARD_FIELDS)}."
        )
    for field, value in card.items():
        if value is not None and not isinstance(value, str):
            raise StoreError(
                f"Model card field '{field}' must be text, not {type(value).__name__}."
            )


def find_model(connection: Connection, name_or_id: str | UUID) -> Row:
    return resolve(connection, MODELS, name_or_id, "model")


def _insert_model(
    connection: Connection,
    name: str,
    card: dict[str, Any],
    tags: Sequence[str] = (),
    save_models_to_registry: bool = True,
) -> Row:
    now = utc_now()
    model_id = uuid4()
    values: dict[str, Any] = {
        "id": model_id,
        "name": name,
        **{field: card.get(field) for field in CARD_FIELDS},
        "save_models_to_registry": bool(save_models_to_registry),
        "created": now,
        "updated": now,
    }
    connection.execute(MODELS.insert(), values)
    if tags:
        attach_tags(connection, list(tags), "model", model_id)
    return values


def model_name_of(connection: Connection, model_id: UUID) -> str:
    return str(connection.scalar(select(MODELS.c.name).where(MODELS.c.id == model_id)))


def version_by_id(connection: Connection, version_id: UUID) -> Row:
    row = connection.execute(
        select(MODEL_VERSIONS).where(MODEL_VERSIONS.c.id == version_id)
    ).first()
    if row is None:
        raise EntityNotFoundError(f"No model version with id {version_id} exists.")
    return row._mapping


def forget_versions(connection: Connection, version_ids: Sequence[UUID]) -> None:
    """What points at these versions without a foreign key: tags, metadata, run columns."""
    ids = list(version_ids)
    if not ids:
        return
    forget_resources(connection, "model_version", ids)
    for table in (RUNS, STEP_RUNS):
        connection.execute(
            update(table).where(table.c.model_version_id.in_(ids)).values(model_version_id=None)
        )


def resolve_request(connection: Connection, request: ModelVersionRequest) -> Row:
    """The version `request` names: found, or made (a new number, or a new name)."""
    model_row = connection.execute(
        select(MODELS).where(MODELS.c.name == request.model_name)
    ).first()
    model = (
        model_row._mapping
        if model_row is not None
        else _insert_model(connection, request.model_name, dict(request.card), request.tags)
    )
    reference = request.version
    if reference is not None and not (is_stage(reference) or is_number(reference)):
        existing = connection.execute(
            select(MODEL_VERSIONS).where(
                MODEL_VERSIONS.c.model_id == model["id"], MODEL_VERSIONS.c.name == reference
            )
        ).first()
        if existing is not None:
            return {**existing._mapping, "model_name": model["name"]}
    elif reference is not None:
        return {**find_version(connection, model, reference), "model_name": model["name"]}
    row = insert_version(connection, model, reference, request.description)
    if request.tags:
        attach_tags(connection, list(request.tags), "model_version", row["id"])
    return {**row, "model_name": model["name"]}


class ModelMethods(SqlStoreBase):
    """The model control plane part of `SqlStore`."""

    # -- models --------------------------------------------------------------------------------
    def create_model(
        self,
        *,
        name: str,
        tags: Sequence[str] | None = None,
        save_models_to_registry: bool = True,
        **card: Any,
    ) -> ModelResponse:
        """A new model (EntityExistsError if the name is taken) with its model card."""
        check_card(card)

        def work(connection: Connection) -> Row:
            taken = connection.scalar(select(MODELS.c.id).where(MODELS.c.name == name))
            if taken is not None:
                raise EntityExistsError(f"A model named '{name}' already exists.")
            return _insert_model(connection, name, card, tags or (), save_models_to_registry)

        return model_response(
            write_new_version(self._db, work, f"create model '{name}'"), self._store()
        )

    def get_model(self, name_or_id: str | UUID) -> ModelResponse:
        """A model by name, id or unique id prefix, with its newest version's name and id."""
        with self._db.read() as connection:
            row = find_model(connection, name_or_id)
            latest = connection.execute(
                select(LATEST_VERSION_NAME, LATEST_VERSION_ID).where(MODELS.c.id == row["id"])
            ).one()
        return model_response({**row, **latest._mapping}, self._store())

    def list_models(
        self,
        *,
        sort_by: str = "created",
        page: int = 1,
        size: int = 50,
        logical_operator: Any = "and",
        tags: Any = None,
        **filters: Any,
    ) -> Page[ModelResponse]:
        """One page of models, filtered and sorted as other list calls are."""
        store = self._store()
        return read_page(
            self._db, MODEL_LISTING, filters, sort_by, page, size, logical_operator,
            each(lambda row: model_response(row, store)), tags=tags,
        )  # fmt: skip

    def update_model(
        self,
        model_id: UUID,
        *,
        name: str | None = None,
        add_tags: Sequence[str] | None = None,
        remove_tags: Sequence[str] | None = None,
        save_models_to_registry: bool | None = None,
        **card: Any,
    ) -> ModelResponse:
        """Rename a model, change its model card or its tags."""
        check_card(card)

        def work(connection: Connection) -> None:
            row = find_model(connection, model_id)
            values: dict[str, Any] = {k: v for k, v in card.items() if v is not None}
            if name is not None and name != row["name"]:
                if connection.scalar(select(MODELS.c.id).where(MODELS.c.name == name)):
                    raise EntityExistsError(f"A model named '{name}' already exists.")
                values["name"] = name
            if save_models_to_registry is not None:
                values["save_models_to_registry"] = save_models_to_registry
            values["updated"] = utc_now()
            connection.execute(update(MODELS).where(MODELS.c.id == row["id"]).values(values))
            if add_tags:
                attach_tags(connection, list(add_tags), "model", row["id"])
            if remove_tags:
                detach_tags(connection, list(remove_tags), "model", row["id"])

        write_new_version(self._db, work, f"update model {model_id}")
        return self.get_model(model_id)

    def delete_model(self, model_id: UUID) -> None:
        """Delete a model and its versions (their artifact versions and runs stay)."""

        def work(connection: Connection) -> None:
            row = find_model(connection, model_id)
            versions = connection.scalars(
                select(MODEL_VERSIONS.c.id).where(MODEL_VERSIONS.c.model_id == row["id"])
            ).all()
            forget_versions(connection, versions)
            forget_resources(connection, "model", [row["id"]])
            connection.execute(delete(MODEL_VERSIONS).where(MODEL_VERSIONS.c.model_id == row["id"]))
            connection.execute(delete(MODELS).where(MODELS.c.id == row["id"]))

        self._db.write(work)
