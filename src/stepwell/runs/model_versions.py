"""The model versions a run makes or uses, resolved when it starts (runs layer).

A pipeline's model and the models its steps set (`@step(model=...)`, the `steps.<id>.model`
key of a run configuration) each name a version (see `stepwell.model.model`). Before the run
is recorded, references to existing versions (a number, a stage) are looked up, so that a
missing one fails with nothing stored; once the run is recorded, every version is found or
made and linked to the run in one transaction (`Store.prepare_run_model_versions`), one per
distinct model and version, however many steps share it. The launcher links each step's
outputs to its model's version when it records them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from stepwell.exceptions import EntityNotFoundError, ModelVersionNotFoundError
from stepwell.execution.model_keys import version_text
from stepwell.model.model import Model
from stepwell.model.stages import is_number, is_stage
from stepwell.store.base import Store
from stepwell.store.model_records import ModelVersionRequest, ModelVersionResponse, model_key
from stepwell.store.models import PipelineRunResponse


def run_models(config: Any, invocations: Any) -> list[Model]:
    """The distinct models of a run: its pipeline's, then each step's, in order."""
    found: dict[tuple[str, str | None], Model] = {}
    for model in [getattr(config, "model", None), *(i.config.model for i in invocations)]:
        if model is not None:
            found.setdefault((model.name, model.version_text), model)
    return list(found.values())


def requests_for(
    models: list[Model], started: datetime, substitutions: dict[str, str]
) -> list[ModelVersionRequest]:
    """What the store is asked for, one request per model of the run."""
    return [ModelVersionRequest.of(m, version_text(m, started, substitutions)) for m in models]


def check_references(store: Store, requests: list[ModelVersionRequest]) -> None:
    """Fail before the run is recorded when a number or stage names no version."""
    for request in requests:
        reference = request.version
        if reference is None or not (is_stage(reference) or is_number(reference)):
            continue
        try:
            store.get_model_version(request.model_name, reference)
        except ModelVersionNotFoundError:
            raise
        except EntityNotFoundError:
            raise ModelVersionNotFoundError(
                f"Model '{request.model_name}' does not exist, so it has no version "
                f"'{reference}'; run a pipeline with Model(name='{request.model_name}') first."
            ) from None


def prepare(
    store: Store,
    run: PipelineRunResponse,
    requests: list[ModelVersionRequest],
    pipeline_model: Model | None,
    started: datetime,
    substitutions: dict[str, str],
) -> dict[str, ModelVersionResponse]:
    """Find or make the run's model versions and link them to it, by `model_key`."""
    if not requests:
        return {}
    run_key = None
    if pipeline_model is not None:
        run_key = key_of(pipeline_model, started, substitutions)
    return store.prepare_run_model_versions(run.id, requests, run_key)


def key_of(model: Model, started: datetime, substitutions: dict[str, str]) -> str:
    """The key `model`'s version has among a run's versions."""
    return model_key(model.name, version_text(model, started, substitutions))
