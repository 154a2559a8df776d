"""Model versions in the SQL metadata store (layer: store): create, find, list, change,
delete, link to artifact versions, and resolve the versions a run needs.

Each call is one transaction; creating a version is retried when a concurrent writer took the
same number (or name) first, so two runs of one model started at the same moment get distinct
numbers. `prepare_run_model_versions` finds or makes every version a run needs and links them
to the run in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, delete, select, update

from stepwell.enums import ModelStages
from stepwell.exceptions import EntityExistsError, QueryError
from stepwell.store.model_records import (
    ModelVersionArtifactLink,
    ModelVersionPipelineRunLink,
    ModelVersionRequest,
    ModelVersionResponse,
)
from stepwell.store.page import Page
from stepwell.store.row_conversions import Row, as_uuid
from stepwell.store.sql.common import SqlStoreBase, write_new_version
from stepwell.store.sql.listing import each, read_page
from stepwell.store.sql.model_links import (
    link_run_to_model_version,
    link_to_model_version,
    unlink_from_model_version,
)
from stepwell.store.sql.model_listings import (
    ARTIFACT_LINK_LISTING,
    MODEL_VERSION_LISTING,
    RUN_LINK_LISTING,
    artifact_link,
    model_version_response,
    run_link,
)
from stepwell.store.sql.model_store import (
    find_model,
    forget_versions,
    model_name_of,
    resolve_request,
    version_by_id,
)
from stepwell.store.sql.model_tables import MODEL_VERSION_RUNS, MODEL_VERSIONS, MODELS
from stepwell.store.sql.model_versions import (
    check_version_name,
    find_version,
    insert_version,
    move_stage,
)
from stepwell.store.sql.tables import RUNS, VERSIONS, utc_now
from stepwell.store.sql.tag_links import attach_tags, detach_tags

_ONLY_KIND = {
    "only_model_artifacts": VERSIONS.c.type == "ModelArtifact",
    "only_deployment_artifacts": VERSIONS.c.type == "ServiceArtifact",
    "only_data_artifacts": VERSIONS.c.type.not_in(["ModelArtifact", "ServiceArtifact"]),
}


class ModelVersionMethods(SqlStoreBase):
    """The model-version part of `SqlStore`."""

    # -- versions ------------------------------------------------------------------------------
    def create_model_version(
        self,
        *,
        model_id: UUID,
        name: str | None = None,
        description: str | None = None,
        tags: Sequence[str] | None = None,
    ) -> ModelVersionResponse:
        """A new version of a model: the next number, named `name` (or after its number)."""

        def work(connection: Connection) -> Row:
            model = find_model(connection, model_id)
            if name is not None:
                check_version_name(model["name"], name)
                taken = connection.scalar(
                    select(MODEL_VERSIONS.c.id).where(
                        MODEL_VERSIONS.c.model_id == model["id"], MODEL_VERSIONS.c.name == name
                    )
                )
                if taken is not None:
                    raise EntityExistsError(f"Model '{model['name']}' has a version '{name}'.")
            row = insert_version(connection, model, name, description)
            if tags:
                attach_tags(connection, list(tags), "model_version", row["id"])
            return {**row, "model_name": model["name"]}

        row = write_new_version(self._db, work, f"create a version of model {model_id}")
        return model_version_response(row, row["model_name"], self._store())

    def get_model_version(
        self, model_name_or_id: str | UUID | None = None, version: Any = None
    ) -> ModelVersionResponse:
        """A version of a model by id, number, stage or name (None: the newest). Without a
        model, `version` must be the version's id."""
        with self._db.read() as connection:
            if model_name_or_id is None:
                try:
                    version_id = as_uuid(version)
                except ValueError:
                    raise QueryError(
                        "Name the model of the version, or give the version's id "
                        f"(got version={version!r})."
                    ) from None
                row = version_by_id(connection, version_id)
                return model_version_response(
                    row, model_name_of(connection, row["model_id"]), self._store()
                )
            model = find_model(connection, model_name_or_id)
            row = find_version(connection, model, version)
        return model_version_response(row, model["name"], self._store())

    def list_model_versions(
        self,
        *,
        model: str | UUID | None = None,
        sort_by: str = "number",
        page: int = 1,
        size: int = 50,
        logical_operator: Any = "and",
        tags: Any = None,
        **filters: Any,
    ) -> Page[ModelVersionResponse]:
        """One page of model versions (of `model`, a name or id, when given). The stage
        filter `none` lists versions without a stage, as the lookup by `none` finds them."""
        stage = filters.get("stage")
        if stage is not None and str(getattr(stage, "value", stage)).strip().lower() in (
            "none",
            "equals:none",
        ):
            filters["stage"] = "isnull:"
        extra = []
        if model is not None:
            with self._db.read() as connection:
                extra.append(MODEL_VERSIONS.c.model_id == find_model(connection, model)["id"])
        store = self._store()
        return read_page(
            self._db, MODEL_VERSION_LISTING, filters, sort_by, page, size, logical_operator,
            each(lambda row: model_version_response(row, row["model_name"], store)),
            tags=tags, extra=extra,
        )  # fmt: skip

    def update_model_version(
        self,
        version_id: UUID,
        *,
        name: str | None = None,
        description: str | None = None,
        stage: ModelStages | str | None = None,
        force: bool = False,
        add_tags: Sequence[str] | None = None,
        remove_tags: Sequence[str] | None = None,
    ) -> ModelVersionResponse:
        """Rename a version, describe it, tag it or move it to a stage (see `move_stage`)."""

        def work(connection: Connection) -> None:
            row = version_by_id(connection, as_uuid(version_id))
            values: dict[str, Any] = {}
            if name is not None and name != row["name"]:
                check_version_name(model_name_of(connection, row["model_id"]), name)
                values["name"] = name
            if description is not None:
                values["description"] = description
            if values:
                values["updated"] = utc_now()
                connection.execute(
                    update(MODEL_VERSIONS).where(MODEL_VERSIONS.c.id == row["id"]).values(values)
                )
            if stage is not None:
                move_stage(connection, row["id"], str(getattr(stage, "value", stage)), force)
            if add_tags:
                attach_tags(connection, list(add_tags), "model_version", row["id"])
            if remove_tags:
                detach_tags(connection, list(remove_tags), "model_version", row["id"])

        write_new_version(self._db, work, f"update model version {version_id}")
        return self.get_model_version(None, as_uuid(version_id))

    def delete_model_version(self, version_id: UUID) -> None:
        """Delete a model version and its links (the artifact versions and runs stay)."""

        def work(connection: Connection) -> None:
            row = version_by_id(connection, as_uuid(version_id))
            forget_versions(connection, [row["id"]])
            connection.execute(delete(MODEL_VERSIONS).where(MODEL_VERSIONS.c.id == row["id"]))

        self._db.write(work)

    # -- links ---------------------------------------------------------------------------------
    def link_artifacts_to_model_version(
        self, model_version_id: UUID, artifact_version_ids: Sequence[UUID]
    ) -> None:
        """Link artifact versions to a model version (linking twice changes nothing)."""

        def work(connection: Connection) -> None:
            row = version_by_id(connection, as_uuid(model_version_id))
            link_to_model_version(connection, row["id"], [as_uuid(i) for i in artifact_version_ids])

        self._db.write(work)

    def unlink_artifacts_from_model_version(
        self, model_version_id: UUID, artifact_version_ids: Sequence[UUID] | None = None
    ) -> None:
        """Take artifact versions (None: all) off a model version; the versions stay."""
        ids = None if artifact_version_ids is None else [as_uuid(i) for i in artifact_version_ids]
        self._db.write(
            lambda connection: unlink_from_model_version(connection, as_uuid(model_version_id), ids)
        )

    def list_model_version_artifact_links(
        self,
        *,
        sort_by: str = "created",
        page: int = 1,
        size: int = 50,
        logical_operator: Any = "and",
        only_data_artifacts: bool | None = None,
        only_model_artifacts: bool | None = None,
        only_deployment_artifacts: bool | None = None,
        **filters: Any,
    ) -> Page[ModelVersionArtifactLink]:
        """One page of artifact links (`model_version_id=...`, `artifact_name=...`, ...)."""
        chosen = {
            "only_data_artifacts": only_data_artifacts,
            "only_model_artifacts": only_model_artifacts,
            "only_deployment_artifacts": only_deployment_artifacts,
        }
        extra = [_ONLY_KIND[name] for name, wanted in chosen.items() if wanted]
        store = self._store()
        return read_page(
            self._db, ARTIFACT_LINK_LISTING, filters, sort_by, page, size, logical_operator,
            each(lambda row: artifact_link(row, store)), extra=extra,
        )  # fmt: skip

    def list_model_version_pipeline_run_links(
        self,
        *,
        sort_by: str = "created",
        page: int = 1,
        size: int = 50,
        logical_operator: Any = "and",
        **filters: Any,
    ) -> Page[ModelVersionPipelineRunLink]:
        """One page of run links (`model_version_id=...`, `pipeline_run_name=...`, ...)."""
        store = self._store()
        return read_page(
            self._db, RUN_LINK_LISTING, filters, sort_by, page, size, logical_operator,
            each(lambda row: run_link(row, store)),
        )  # fmt: skip

    def resolve_model_version(self, request: ModelVersionRequest) -> ModelVersionResponse:
        """The version `request` names, found or made (with its model), in one transaction."""
        row = write_new_version(
            self._db,
            lambda connection: resolve_request(connection, request),
            f"resolve a version of model '{request.model_name}'",
        )
        return model_version_response(row, row["model_name"], self._store())

    # -- runs ----------------------------------------------------------------------------------
    def prepare_run_model_versions(
        self,
        run_id: UUID,
        requests: Sequence[ModelVersionRequest],
        run_model_key: str | None = None,
    ) -> dict[str, ModelVersionResponse]:
        """The versions a run's models name, found or created, and linked to the run, in one
        transaction; the one under `run_model_key` becomes the run's own model version.

        A request for a new version of a model the run is already linked to gets that
        version: a repeat of this call (its answer lost) must not number another one."""
        wanted = list({request.key: request for request in requests}.values())

        def work(connection: Connection) -> dict[str, Row]:
            linked = _linked_versions(connection, as_uuid(run_id))
            resolved = {
                request.key: (linked.get(request.model_name) if request.version is None else None)
                or resolve_request(connection, request)
                for request in wanted
            }
            for row in resolved.values():
                link_run_to_model_version(connection, row["id"], as_uuid(run_id))
            if run_model_key is not None and run_model_key in resolved:
                connection.execute(
                    update(RUNS)
                    .where(RUNS.c.id == as_uuid(run_id))
                    .values(model_version_id=resolved[run_model_key]["id"])
                )
            return resolved

        rows = write_new_version(self._db, work, f"prepare the model versions of run {run_id}")
        store = self._store()
        return {
            key: model_version_response(row, row["model_name"], store) for key, row in rows.items()
        }


def _linked_versions(connection: Connection, run_id: UUID) -> dict[str, Row]:
    """Model name -> the newest version of that model linked to run `run_id`."""
    rows = connection.execute(
        select(MODEL_VERSIONS, MODELS.c.name.label("model_name"))
        .join(MODELS, MODELS.c.id == MODEL_VERSIONS.c.model_id)
        .join(MODEL_VERSION_RUNS, MODEL_VERSION_RUNS.c.model_version_id == MODEL_VERSIONS.c.id)
        .where(MODEL_VERSION_RUNS.c.pipeline_run_id == run_id)
        .order_by(MODEL_VERSIONS.c.number)
    ).all()
    return {row.model_name: dict(row._mapping) for row in rows}
