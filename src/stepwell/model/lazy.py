"""A model's artifact named while a pipeline is defined, found when its step runs (model layer).

`Model(name="clf", version="production").get_artifact("sklearn_classifier")` inside a
pipeline function cannot look the artifact up yet: which version holds `production` when the
step runs may differ from when the pipeline was compiled (or its snapshot stored). So it
returns this reference; passed to a step, it becomes an input that the launcher resolves to
an artifact version just before the step runs, and the step's cache key then depends on that
version's content, as for any other input (ZenML's "lazy loading" of model artifacts).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelArtifactReference:
    """Artifact `artifact_name` (version `artifact_version`, else the newest linked one) of
    version `model_version` of model `model_name`; `model_version` None means the version
    the run itself made or uses for that model. `kind` limits the search to `model`, `data`
    or `deployment` artifacts (None: any)."""

    model_name: str
    model_version: str | None
    artifact_name: str
    artifact_version: str | None = None
    kind: str | None = None
