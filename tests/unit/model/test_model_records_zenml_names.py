"""Code ported from ZenML finds the model control plane's records under ZenML's names."""

from __future__ import annotations

from stepwell.store import model_records


def test_models_module_exports_model_records_under_zenml_names():
    from stepwell import models

    assert models.ModelResponse is model_records.ModelResponse
    assert models.ModelVersionResponse is model_records.ModelVersionResponse
    assert models.ModelVersionArtifactResponse is model_records.ModelVersionArtifactLink
    assert models.ModelVersionPipelineRunResponse is model_records.ModelVersionPipelineRunLink
    assert {
        "ModelResponse",
        "ModelVersionResponse",
        "ModelVersionArtifactResponse",
        "ModelVersionPipelineRunResponse",
    } <= set(models.__all__)
