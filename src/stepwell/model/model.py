"""`Model`: a model of the model control plane, as a pipeline, a step or user code names it.

On `@pipeline(model=...)`, `@step(model=...)`, `with_options(model=...)` or the `model:` key
of a run configuration, it says which model version the run's artifacts belong to:

- `version=None`: a new version, numbered 1, 2, ... per model (one per run, however many
  steps share the model);
- a name (`"v{date}"`, with the run-name placeholders): that version, made if it is new;
- a number (`3`, `"3"`) or a stage (`ModelStages.PRODUCTION`, `"production"`, `"latest"`):
  an existing version, or an error before anything runs.

In user code and inside steps its properties and methods read and change that version
(`number`, `stage`, `run_metadata`, `get_artifact`, `load_artifact`, `set_stage`,
`log_metadata`). While a pipeline function is compiled, `get_artifact` returns a reference
that resolves when the step that takes it runs (see `lazy.py`). The names and behaviour are
ZenML's (`from zenml import Model`). The methods reach the store through `plane.py`.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from stepwell.enums import ModelStages
from stepwell.exceptions import ModelArtifactNotFoundError, ModelError
from stepwell.model.lazy import ModelArtifactReference
from stepwell.model.plane import get_plane
from stepwell.model.stages import stage_value

# The store's `ModelVersionResponse` (the store sits above this layer, so it is not named).
ModelVersionResponse = Any


class Model(BaseModel):
    """A model and (by `version`) one of its versions; see the module docstring."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    name: str
    license: str | None = None
    description: str | None = None
    audience: str | None = None
    use_cases: str | None = None
    limitations: str | None = None
    trade_offs: str | None = None
    ethics: str | None = None
    tags: list[str] | None = None
    version: ModelStages | int | str | None = Field(default=None, union_mode="smart")
    save_models_to_registry: bool = True
    # Set once the version is known (by stepwell, or by ZenML-style internal calls).
    model_version_id: UUID | None = None
    suppress_class_validation_warnings: bool = False
    _number: int | None = PrivateAttr(default=None)
    _model_id: UUID | None = PrivateAttr(default=None)
    _stage: str | None = PrivateAttr(default=None)

    @field_validator("name")
    @classmethod
    def _name_given(cls, value: str) -> str:
        text = value.strip()
        if not text:
            raise ValueError("a model needs a name: Model(name='my_model')")
        if len(text) > 255:
            raise ValueError("a model name is at most 255 characters")
        return text

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            if not text:
                return None
            lowered = text.lower()
            return ModelStages(lowered) if lowered in ModelStages.values() else text
        if isinstance(value, bool):
            raise ValueError("a model version is a name, a number or a stage, not a bool")
        return value

    @classmethod
    def for_version(cls, record: ModelVersionResponse) -> Model:
        """A `Model` bound to an existing version record (what a step's context holds)."""
        model = cls(
            name=record.model_name,
            version=record.name,
            description=record.description,
            model_version_id=record.id,
            suppress_class_validation_warnings=True,
        )
        model._bind(record)
        return model

    def _bind(self, record: Any) -> None:
        self.model_version_id = record.id
        self._number = record.number
        self._model_id = record.model_id
        self._stage = record.stage

    # -- identity -----------------------------------------------------------------------------
    @property
    def version_text(self) -> str | None:
        """The version as a run looks it up: None (a new version) or text."""
        if self.version is None:
            return None
        return str(getattr(self.version, "value", self.version))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Model):
            return NotImplemented
        return (self.name, self.version_text) == (other.name, other.version_text)

    def __hash__(self) -> int:
        return hash((self.name, self.version_text))

    def __repr__(self) -> str:
        version = "" if self.version is None else f", version={self.version_text!r}"
        return f"Model(name={self.name!r}{version})"

    # -- the version --------------------------------------------------------------------------
    def _record(self) -> ModelVersionResponse:
        """This model's version record, found (or, for a new version, made) on first use."""
        plane = get_plane()
        if self.model_version_id is not None:
            record = plane.version_by_id(self.model_version_id)
        else:
            if self.version is None and plane.defining_pipeline():
                raise ModelError(
                    f"The new version of model '{self.name}' is made when the run starts; "
                    "read its number, id or stage inside a step (get_step_context().model)."
                )
            record = plane.version_of(self)
        self._bind(record)
        return record  # type: ignore[no-any-return]

    @property
    def id(self) -> UUID:
        """The model version's id."""
        return self._record().id

    @property
    def model_id(self) -> UUID:
        """The model's id."""
        if self._model_id is None:
            self._record()
        assert self._model_id is not None
        return self._model_id

    @property
    def number(self) -> int:
        """The model version's number."""
        if self._number is None:
            self._record()
        assert self._number is not None
        return self._number

    @property
    def stage(self) -> ModelStages | None:
        """The model version's stage, read from the store (None: no stage)."""
        record = self._record()
        return ModelStages(record.stage) if record.stage else None

    @property
    def run_metadata(self) -> dict[str, Any]:
        """Metadata logged on the model version (key -> newest value)."""
        return self._record().run_metadata  # type: ignore[no-any-return]

    @property
    def model_version(self) -> ModelVersionResponse:
        """The model version's record."""
        return self._record()

    # -- artifacts ----------------------------------------------------------------------------
    def _get(self, name: str, version: str | None, kind: str | None) -> Any:
        if get_plane().defining_pipeline():
            bound = None if self.model_version_id is None else str(self.model_version_id)
            return ModelArtifactReference(
                self.name,
                bound or self.version_text,
                name,
                None if version is None else str(version),
                kind,
            )
        return self._record().find_artifact(name, None if version is None else str(version), kind)

    def get_artifact(self, name: str, version: str | None = None) -> Any:
        """The artifact version `name` linked to this model version (`version`, else the
        newest linked); None if there is none. In a pipeline function: a reference that
        resolves when the step taking it runs."""
        return self._get(name, version, None)

    def get_model_artifact(self, name: str, version: str | None = None) -> Any:
        return self._get(name, version, "model")

    def get_data_artifact(self, name: str, version: str | None = None) -> Any:
        return self._get(name, version, "data")

    def get_deployment_artifact(self, name: str, version: str | None = None) -> Any:
        return self._get(name, version, "deployment")

    def load_artifact(self, name: str, version: str | None = None) -> Any:
        """The value of the artifact `name` linked to this model version."""
        found = self.get_artifact(name, version)
        if isinstance(found, ModelArtifactReference):
            raise ModelError(
                f"Model.load_artifact('{name}') loads values when steps run; in a pipeline "
                "function pass model.get_artifact(...) to a step instead."
            )
        if found is None:
            raise ModelArtifactNotFoundError(self._record().missing_artifact(name, version))
        return found.load()

    def get_pipeline_run(self, name: str) -> Any:
        """A run linked to this model version, by name."""
        return self._record().get_pipeline_run(name)

    # -- changes ------------------------------------------------------------------------------
    def set_stage(self, stage: ModelStages | str, force: bool = False) -> None:
        """Move this version to `stage`; a stage another version holds moves only with
        `force=True` (that version becomes archived). Inside a step, checked at once and
        recorded with the step's outputs."""
        target = stage_value(stage)  # a bad stage fails before a version is looked up or made
        get_plane().set_stage(self.id, target, force)

    def log_metadata(self, metadata: dict[str, Any]) -> None:
        """Log metadata on this model version."""
        get_plane().log_metadata(self.id, metadata)

    def delete_artifact(
        self,
        name: str,
        version: str | None = None,
        only_link: bool = True,
        delete_metadata: bool = True,
        delete_from_artifact_store: bool = False,
    ) -> None:
        """Unlink the artifact `name` from this version (and with `only_link=False` delete
        the artifact version too)."""
        found = self.get_artifact(name, version)
        if found is None or isinstance(found, ModelArtifactReference):
            return
        plane = get_plane()
        plane.unlink_artifacts(self.id, [found.id])
        if not only_link:
            plane.delete_artifact_version(found.id, delete_from_artifact_store)

    def delete_all_artifacts(
        self, only_link: bool = True, delete_from_artifact_store: bool = False
    ) -> None:
        """Unlink every artifact from this version."""
        get_plane().unlink_artifacts(self.id, None)


__all__ = ["Model"]
