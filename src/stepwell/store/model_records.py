"""The model control plane's records (layer: store): models, versions and their links.

What `Store.get_model`, `get_model_version` and the list calls return, shaped as ZenML's
responses are: a version knows its model, number, name and stage, and reads the artifact
versions and runs linked to it from the store on access (never while a list is built).
A linked artifact version is a *model* artifact when its type is `ModelArtifact`, a
*deployment* artifact when it is `ServiceArtifact`, and a *data* artifact otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from stepwell.enums import ArtifactType, ModelStages
from stepwell.store.annotations import Tagged, WithMetadata
from stepwell.store.models import (
    ArtifactVersionResponse,
    PipelineRunResponse,
    _Record,
)

if TYPE_CHECKING:
    from stepwell.model.model import Model


def artifact_kind(artifact_type: ArtifactType | str) -> str:
    """`data`, `model` or `deployment`: how a linked artifact version counts for its model."""
    if str(artifact_type) == ArtifactType.MODEL.value:
        return "model"
    if str(artifact_type) == ArtifactType.SERVICE.value:
        return "deployment"
    return "data"


class ModelResponse(Tagged, _Record):
    """A model: a name, its model card and (through `versions`) its versions."""

    tag_resource_type: ClassVar[str] = "model"

    id: UUID
    name: str
    license: str | None = None
    description: str | None = None
    audience: str | None = None
    use_cases: str | None = None
    limitations: str | None = None
    trade_offs: str | None = None
    ethics: str | None = None
    save_models_to_registry: bool = True
    created: datetime
    updated: datetime
    latest_version_name: str | None = None
    latest_version_id: UUID | None = None

    @property
    def versions(self) -> list[Model]:
        """Every version of this model, oldest first, as `Model` objects bound to them."""
        page = self._require_store().list_model_versions(
            model=self.id, sort_by="number", size=1_000_000
        )
        return [version.to_model_class() for version in page]


class ModelVersionResponse(Tagged, WithMetadata, _Record):
    """One version of a model: its number, name, stage, and what is linked to it."""

    display_fields: ClassVar[tuple[str, ...]] = ("model_name", "name", "stage", "id")
    tag_resource_type: ClassVar[str] = "model_version"
    metadata_resource_type: ClassVar[str] = "model_version"

    id: UUID
    name: str
    number: int
    description: str | None = None
    stage: str | None = None
    model_id: UUID
    model_name: str
    created: datetime
    updated: datetime

    @property
    def model(self) -> ModelResponse:
        """The model this is a version of."""
        return self._require_store().get_model(self.model_id)

    # -- linked artifact versions ------------------------------------------------------------
    def _linked(self, kind: str | None) -> dict[str, dict[str, ArtifactVersionResponse]]:
        links = self._require_store().list_model_version_artifact_links(
            model_version_id=self.id, size=1_000_000, sort_by="created"
        )
        found: dict[str, dict[str, ArtifactVersionResponse]] = {}
        for link in links:
            version = link.artifact_version
            if kind is None or artifact_kind(version.type) == kind:
                found.setdefault(version.name, {})[version.version] = version
        return found

    @property
    def data_artifacts(self) -> dict[str, dict[str, ArtifactVersionResponse]]:
        """Linked data artifacts: artifact name -> version -> artifact version."""
        return self._linked("data")

    @property
    def model_artifacts(self) -> dict[str, dict[str, ArtifactVersionResponse]]:
        """Linked model artifacts (`ArtifactConfig(artifact_type=ArtifactType.MODEL)`)."""
        return self._linked("model")

    @property
    def deployment_artifacts(self) -> dict[str, dict[str, ArtifactVersionResponse]]:
        """Linked deployment artifacts (`artifact_type=ArtifactType.SERVICE`)."""
        return self._linked("deployment")

    @property
    def data_artifact_ids(self) -> dict[str, dict[str, UUID]]:
        return _ids(self.data_artifacts)

    @property
    def model_artifact_ids(self) -> dict[str, dict[str, UUID]]:
        return _ids(self.model_artifacts)

    @property
    def deployment_artifact_ids(self) -> dict[str, dict[str, UUID]]:
        return _ids(self.deployment_artifacts)

    def find_artifact(
        self, name: str, version: str | None = None, kind: str | None = None
    ) -> ArtifactVersionResponse | None:
        """The linked artifact version `name` (`version`, else the newest) of `kind`
        (`model`, `data`, `deployment`; None: any), or None."""
        return _pick(self._linked(kind).get(name), version)

    def missing_artifact(self, name: str, version: str | None = None) -> str:
        """What to say when this version has no linked artifact `name`."""
        linked = sorted(self._linked(None))
        what = name if version is None else f"{name}' version '{version}"
        return (
            f"Version {self.name} of model '{self.model_name}' has no artifact '{what}'; its "
            f"artifacts are: {', '.join(linked) or 'none'}."
        )

    def get_artifact(self, name: str, version: str | None = None) -> ArtifactVersionResponse | None:
        """The linked artifact version of artifact `name` (`version`, else the newest linked
        one); None when this model version has none, as in ZenML."""
        return _pick(self._linked(None).get(name), version)

    def get_model_artifact(
        self, name: str, version: str | None = None
    ) -> ArtifactVersionResponse | None:
        return _pick(self.model_artifacts.get(name), version)

    def get_data_artifact(
        self, name: str, version: str | None = None
    ) -> ArtifactVersionResponse | None:
        return _pick(self.data_artifacts.get(name), version)

    def get_deployment_artifact(
        self, name: str, version: str | None = None
    ) -> ArtifactVersionResponse | None:
        return _pick(self.deployment_artifacts.get(name), version)

    # -- runs ----------------------------------------------------------------------------------
    @property
    def pipeline_runs(self) -> dict[str, PipelineRunResponse]:
        """The runs that made or used this version, by run name, oldest first."""
        links = self._require_store().list_model_version_pipeline_run_links(
            model_version_id=self.id, size=1_000_000, sort_by="created"
        )
        return {link.pipeline_run.name: link.pipeline_run for link in links}

    @property
    def pipeline_run_ids(self) -> dict[str, UUID]:
        return {name: run.id for name, run in self.pipeline_runs.items()}

    def get_pipeline_run(self, name: str) -> PipelineRunResponse:
        """A run linked to this version, by name."""
        runs = self.pipeline_runs
        if name not in runs:
            from stepwell.exceptions import EntityNotFoundError

            raise EntityNotFoundError(
                f"Run '{name}' is not linked to version {self.name} of model "
                f"'{self.model_name}'; its runs are: {', '.join(runs) or 'none'}."
            )
        return runs[name]

    # -- changes -------------------------------------------------------------------------------
    def set_stage(self, stage: ModelStages | str, force: bool = False) -> None:
        """Move this version to `stage` (see `Store.update_model_version`)."""
        updated = self._require_store().update_model_version(self.id, stage=stage, force=force)
        self.stage = updated.stage

    def to_model_class(self, suppress_class_validation_warnings: bool = True) -> Model:
        """This version as a `Model` bound to it (what `get_step_context().model` returns)."""
        from stepwell.model.model import Model

        return Model.for_version(self)


def _ids(found: dict[str, dict[str, ArtifactVersionResponse]]) -> dict[str, dict[str, UUID]]:
    return {name: {v: av.id for v, av in versions.items()} for name, versions in found.items()}


def _pick(
    versions: dict[str, ArtifactVersionResponse] | None, version: str | None
) -> ArtifactVersionResponse | None:
    if not versions:
        return None
    if version is not None:
        return versions.get(str(version))
    return max(versions.values(), key=lambda v: (v.created, v.version_number))


class ModelVersionArtifactLink(_Record):
    """Artifact version `artifact_version` belongs to model version `model_version_id`."""

    display_fields: ClassVar[tuple[str, ...]] = ("model_version_id", "artifact_version")

    model_version_id: UUID
    artifact_version: ArtifactVersionResponse
    created: datetime

    @property
    def artifact_version_id(self) -> UUID:
        return self.artifact_version.id

    @property
    def kind(self) -> str:
        """`data`, `model` or `deployment`."""
        return artifact_kind(self.artifact_version.type)


class ModelVersionPipelineRunLink(_Record):
    """Run `pipeline_run` made or used model version `model_version_id`."""

    display_fields: ClassVar[tuple[str, ...]] = ("model_version_id", "pipeline_run")

    model_version_id: UUID
    pipeline_run: PipelineRunResponse
    created: datetime

    @property
    def pipeline_run_id(self) -> UUID:
        return self.pipeline_run.id


@dataclass(frozen=True)
class ModelVersionRequest:
    """A model version a run needs: what `Model(...)` on a pipeline or step asks for.

    `version` is None for a new numbered version, else a name (found, or made), a number or
    a stage (found, or an error); placeholders are already filled in. `card` holds the model
    card fields used when the model is created by this request.
    """

    model_name: str
    version: str | None = None
    description: str | None = None
    tags: tuple[str, ...] = ()
    card: tuple[tuple[str, Any], ...] = field(default_factory=tuple)

    @property
    def key(self) -> str:
        """Requests with the same key share one version in a run."""
        return model_key(self.model_name, self.version)

    @classmethod
    def of(cls, model: Model, version: str | None = None) -> ModelVersionRequest:
        """What `model` asks for; `version` (placeholders filled) replaces its own."""
        return cls(
            model_name=model.name,
            version=version if version is not None else model.version_text,
            description=model.description,
            tags=tuple(model.tags or ()),
            card=tuple((name, getattr(model, name)) for name in CARD_FIELDS),
        )


# The model card: what `Model(...)` gives a model when a run creates it.
CARD_FIELDS = (
    "license",
    "description",
    "audience",
    "use_cases",
    "limitations",
    "trade_offs",
    "ethics",
)


def model_key(model_name: str, version: Any) -> str:
    """The key under which a run keeps the version `Model(name, version)` resolved to."""
    return f"{model_name}\0{'' if version is None else getattr(version, 'value', version)}"
